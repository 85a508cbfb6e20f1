"""manage.py list_api_tokens [USER]: every API token (prefix, user, scope, state), no secrets."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from korder_site.models import ApiToken


def token_state(row: ApiToken, now: Any) -> str:
    if row.revoked_at is not None:
        return f"revoked {row.revoked_at:%Y-%m-%d %H:%M}"
    if row.expires_at is not None and row.expires_at <= now:
        return f"expired {row.expires_at:%Y-%m-%d %H:%M}"
    if row.expires_at is not None:
        return f"active until {row.expires_at:%Y-%m-%d %H:%M}"
    return "active"


class Command(BaseCommand):
    help = "List API tokens (prefix, user, scope, state, name); tokens themselves are not stored."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="", help="only this user's tokens")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        rows = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            rows = rows.filter(user__username=username)
        now = timezone.now()
        self.stdout.write("prefix    user            scope  state                     name")
        for row in rows:
            used = f"{row.last_used_at:%Y-%m-%d}" if row.last_used_at else "never used"
            self.stdout.write(
                f"{row.prefix:<9} {row.user.get_username():<15} {row.scope:<6} "
                f"{token_state(row, now):<25} {row.name} ({used})"
            )
