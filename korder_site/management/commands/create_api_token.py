"""manage.py create_api_token USER [--name NAME] [--scope read|trade] [--expires-in 90d]:
print a new API token (shown only once)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from korder_site.auth import create_api_token
from korder_site.models import Scope
from korder_site.permissions import can_trade

_DURATION = re.compile(r"^(\d{1,5})([hdw])$")
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def parse_duration(text: str) -> timedelta:
    """`12h`, `90d`, `8w` → a timedelta; anything else is a CommandError."""
    match = _DURATION.match(text.strip().lower())
    if not match or int(match.group(1)) == 0:
        raise CommandError(f"--expires-in {text!r}: use a number and h, d or w (e.g. 90d)")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class Command(BaseCommand):
    help = "Create an API token for USER and print it once (only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument("--scope", choices=[s.value for s in Scope], default=Scope.READ,
                            help="read (default): GET only; trade: writes too")
        parser.add_argument("--expires-in", default="", metavar="DURATION",
                            help="e.g. 12h, 90d, 8w (default: never expires)")

    def handle(self, *args: Any, username: str, name: str, scope: str, expires_in: str,
               **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist:
            raise CommandError(f"no user named {username!r}") from None
        if scope == Scope.TRADE and not can_trade(user):
            raise CommandError(f"{username!r} may not trade (add them to the Trader group first); "
                               "a trade-scoped token would be refused anyway")
        expires_at = timezone.now() + parse_duration(expires_in) if expires_in else None
        row, token = create_api_token(user=user, name=name[:100], scope=scope,
                                      expires_at=expires_at)
        until = f", expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else ""
        self.stderr.write(f"Token {row.prefix}… ({scope}{until}) created for {username}; "
                          "it is not shown again.")
        self.stdout.write(token)
