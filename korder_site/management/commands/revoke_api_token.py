"""manage.py revoke_api_token PREFIX [--user USER]: revoke a token (the row is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from korder_site.models import ApiToken


class Command(BaseCommand):
    help = "Revoke the API token starting with PREFIX (as shown by list_api_tokens)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("prefix")
        parser.add_argument("--user", default="", help="when several users' tokens share PREFIX")

    def handle(self, *args: Any, prefix: str, user: str, **options: Any) -> None:
        rows = ApiToken.objects.filter(prefix=prefix.strip()[:8], revoked_at__isnull=True)
        if user:
            rows = rows.filter(user__username=user)
        found = list(rows)
        if not found:
            raise CommandError(f"no active token with prefix {prefix!r}")
        if len(found) > 1:
            raise CommandError(f"{len(found)} active tokens start with {prefix!r}: add --user")
        ApiToken.objects.filter(pk=found[0].pk).update(revoked_at=timezone.now())
        self.stdout.write(f"Token {found[0].prefix}… of {found[0].user} revoked.")
