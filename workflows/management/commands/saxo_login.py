"""Log in to Saxo with the OAuth code flow and save the tokens to KORDER_SAXO_TOKEN_FILE."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.saxo import config_from_settings
from workflows.saxo.auth import OAuthApp, code_from_redirect, new_state
from workflows.saxo.errors import SaxoError
from workflows.saxo.login import loopback_port, receive_redirect
from workflows.saxo.tokens import TokenFile


class Command(BaseCommand):
    help = ("Print Saxo's authorize URL, receive the redirect on the loopback redirect URI "
            "(or accept the pasted URL), exchange the code and save the tokens (mode 0600).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", help="the redirect URL from the browser (skips waiting)")
        parser.add_argument("--paste", action="store_true",
                            help="paste the redirect URL instead of listening on the loopback port")
        parser.add_argument("--timeout", type=float, default=300.0,
                            help="seconds to wait for the redirect (default 300)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            config = config_from_settings(settings)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if config.token_file is None:
            raise CommandError("KORDER_SAXO_TOKEN_FILE is not set")
        app, state = OAuthApp(config), new_state()
        self.stdout.write(f"Saxo {config.environment.upper()} login. Open this URL in a browser:")
        self.stdout.write(app.authorize_url(state))
        try:
            url, expected_state = self._redirect(config.redirect_uri, state, options)
            code = code_from_redirect(url, state=expected_state)
            tokens = app.exchange_code(code)
        except SaxoError as exc:
            raise CommandError(str(exc)) from None
        TokenFile(config.token_file).save(tokens)
        minutes = max(0, int((tokens.refresh_expires_at - time.time()) // 60))
        self.stdout.write(self.style.SUCCESS(
            f"Logged in; tokens saved to {config.token_file} (session renewable for {minutes} min, "
            "refreshed automatically while k-order runs)."))

    def _redirect(self, redirect_uri: str, state: str, options: dict[str, Any]
                  ) -> tuple[str, str | None]:
        if options["url"]:
            return options["url"], None  # pasted from an earlier attempt: its state is unknown
        if options["paste"] or loopback_port(redirect_uri) is None:
            return input("Paste the URL the browser was redirected to: "), state
        self.stdout.write(f"Waiting for the redirect on {redirect_uri} ...")
        return receive_redirect(redirect_uri, timeout=options["timeout"]), state
