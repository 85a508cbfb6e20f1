from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from korder_site.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by `manage.py create_api_token` (the only place the token is shown);
    here they can be inspected and revoked."""

    list_display = ("prefix", "user", "name", "scope", "created_at", "last_used_at",
                    "expires_at", "revoked_at")
    list_filter = ("scope", "revoked_at")
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = ("user", "prefix", "scope", "created_at", "last_used_at", "expires_at",
                       "revoked_at")
    fields = ("user", "name", "prefix", "scope", "created_at", "last_used_at", "expires_at",
              "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} token(s) revoked.", messages.SUCCESS)
