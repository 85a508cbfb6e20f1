"""Check the Saxo connection: environment, login, account and one instrument look-up."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.saxo import build_saxo_client
from workflows.saxo.errors import SaxoAuthError, SaxoError
from workflows.saxo.instruments import find_instrument


class Command(BaseCommand):
    help = "Print the Saxo environment, the account used for orders and one instrument look-up."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--symbol", default="GER40.I", help="symbol to look up (GER40.I)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client = build_saxo_client(settings)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Environment: {client.environment.upper()} ({client.gateway})")
        self.stdout.write(f"Login: {client.tokens.mode}")
        try:
            self._report(client, options["symbol"])
        except SaxoAuthError as exc:
            raise CommandError(f"Not logged in to Saxo or session expired: {exc.message}") from None
        except SaxoError as exc:
            raise CommandError(f"Saxo check failed: {exc}") from None
        self.stdout.write(self.style.SUCCESS("Saxo connection OK."))

    def _report(self, client: Any, symbol: str) -> None:
        accounts = client.get("port/v1/accounts/me").get("Data", [])
        configured = client.config.account_key
        for account in accounts:
            mark = " (configured)" if account.get("AccountKey") == configured else ""
            self.stdout.write(
                f"Account: {account.get('AccountId')} {account.get('DisplayName', 'NoName')} "
                f"{account.get('Currency', '')} key {account.get('AccountKey')}{mark}")
        if configured and all(a.get("AccountKey") != configured for a in accounts):
            self.stdout.write(self.style.WARNING(
                "KORDER_SAXO_ACCOUNT_KEY matches none of this login's accounts"))
        instrument = find_instrument(client, symbol)
        self.stdout.write(f"Instrument: {instrument.symbol} -> Uic {instrument.uic}, "
                          f"{instrument.asset_type}, {instrument.description}")
