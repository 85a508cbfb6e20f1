"""API tokens: `Authorization: Bearer <token>` for the JSON API (SPEC §7).

Only the SHA-256 of a token is stored; the token itself is shown once, by
`manage.py create_api_token USER [--scope read|trade] [--expires-in 90d]`. Revoking (admin
action or `manage.py revoke_api_token`) keeps the row for the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    READ = "read", "Read only"
    TRADE = "trade", "Read and trade"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        max_length=8, editable=False, help_text="First characters of the token, to recognise it"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(
        max_length=8, choices=Scope.choices, default=Scope.READ,
        help_text="read: GET only; trade: also writes (the user must be allowed to trade too)",
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        label = f" ({self.name})" if self.name else ""
        return f"{self.prefix}… for {self.user}{label}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def allows_trade(self) -> bool:
        return self.scope == Scope.TRADE
