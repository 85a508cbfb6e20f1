"""Admin: the outbox, read-only (records are written by flush_outbox, never by hand)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from orders.models import OutboxRecord


@admin.register(OutboxRecord)
class OutboxRecordAdmin(admin.ModelAdmin):
    list_display = ("workflow_name", "placed_at", "attempts", "flushed_at", "short_error")
    list_filter = (("flushed_at", admin.EmptyFieldListFilter),)
    search_fields = ("workflow_name", "workflow_id", "order_id")
    ordering = ("-placed_at",)

    @admin.display(description="last error")
    def short_error(self, obj: OutboxRecord) -> str:
        return obj.last_error[:80]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
