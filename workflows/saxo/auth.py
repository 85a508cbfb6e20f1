"""OAuth2 authorization-code flow against Saxo's logon host, and the token sources the client uses.

Two sources: `StaticToken` (the 24-hour SIM developer token, never refreshed) and `OAuthTokens`
(code-flow tokens kept in a token file, refreshed before expiry and once after a 401).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import parse_qs, urlencode, urlparse

import requests

from workflows.saxo.config import SaxoConfig
from workflows.saxo.errors import SaxoAuthError, reply_json
from workflows.saxo.tokens import TokenFile, TokenSet

log = logging.getLogger(__name__)

NOT_LOGGED_IN = (
    "Not logged in to Saxo: run `manage.py saxo_login` (or set KORDER_SAXO_ACCESS_TOKEN)"
)


class TokenSource(Protocol):
    mode: str

    def token(self) -> str:
        """A currently valid access token. Raises SaxoAuthError when there is none."""
        ...

    def after_unauthorized(self, rejected: str) -> bool:
        """Called after a 401 with the token that was rejected; True when a retry may succeed."""
        ...


class StaticToken:
    """The 24-hour SIM token from the developer portal: no refresh possible."""

    mode = "24-hour SIM token"

    def __init__(self, access_token: str):
        self._token = access_token

    def __repr__(self) -> str:
        return "StaticToken(<hidden>)"

    def token(self) -> str:
        if not self._token:
            raise SaxoAuthError(NOT_LOGGED_IN, code="NotLoggedIn")
        return self._token

    def after_unauthorized(self, rejected: str) -> bool:
        return False


class OAuthApp:
    """The registered Saxo app: builds the authorize URL and calls the `/token` endpoint."""

    def __init__(self, config: SaxoConfig, *, session: requests.Session | None = None,
                 timeout: float = 15.0, clock: Callable[[], float] = time.time):
        self.config = config
        self.session = session or requests.Session()
        self.timeout = timeout
        self.clock = clock

    def __repr__(self) -> str:
        return f"OAuthApp(environment={self.config.environment!r}, app_key={self.config.app_key!r})"

    def authorize_url(self, state: str) -> str:
        query = urlencode({"response_type": "code", "client_id": self.config.app_key,
                           "state": state, "redirect_uri": self.config.redirect_uri})
        return f"{self.config.auth_host}authorize?{query}"

    def exchange_code(self, code: str) -> TokenSet:
        return self._token_call({"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": self.config.redirect_uri})

    def refresh(self, refresh_token: str) -> TokenSet:
        return self._token_call({"grant_type": "refresh_token", "refresh_token": refresh_token,
                                 "redirect_uri": self.config.redirect_uri})

    def _token_call(self, form: dict[str, str]) -> TokenSet:
        if not self.config.app_key or not self.config.app_secret:
            raise SaxoAuthError("KORDER_SAXO_APP_KEY and KORDER_SAXO_APP_SECRET are required",
                                code="NotConfigured")
        started = self.clock()
        try:
            reply = self.session.post(
                f"{self.config.auth_host}token", data=form, timeout=self.timeout,
                auth=(self.config.app_key, self.config.app_secret),
            )
        except requests.RequestException as exc:
            raise SaxoAuthError(f"Saxo token endpoint unreachable ({type(exc).__name__})",
                                code="TokenEndpointUnreachable") from None
        payload = reply_json(reply)
        ok = isinstance(payload, dict) and "access_token" in payload
        if reply.status_code >= 400 or not ok:
            raise SaxoAuthError(_token_error(reply.status_code, payload), code="TokenRequestFailed",
                                status=reply.status_code,
                                correlation=reply.headers.get("X-Correlation"))
        log.info("saxo token obtained (%s)", form["grant_type"])
        return TokenSet.from_reply(payload, now=started)


def _token_error(status: int, payload: Any) -> str:
    detail = ""
    if isinstance(payload, dict):
        detail = str(payload.get("error_description") or payload.get("error") or "")
    return f"Saxo token request failed: HTTP {status} {detail}".strip()


class OAuthTokens:
    """Code-flow tokens from the token file; refreshed before expiry and after a 401."""

    mode = "OAuth code flow"

    def __init__(self, app: OAuthApp, store: TokenFile, *, clock: Callable[[], float] = time.time,
                 margin: float = 60.0):
        self.app = app
        self.store = store
        self.clock = clock
        self.margin = margin
        self._tokens: TokenSet | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"OAuthTokens({self.store!r})"

    def token(self) -> str:
        with self._lock:
            tokens = self._tokens or self.store.load()
            if tokens is None:
                raise SaxoAuthError(NOT_LOGGED_IN, code="NotLoggedIn")
            if not tokens.access_valid(self.clock(), margin=self.margin):
                tokens = self._refreshed(tokens)
            self._tokens = tokens
            return tokens.access_token

    def after_unauthorized(self, rejected: str) -> bool:
        with self._lock:
            current = self._tokens or self.store.load()
            if current is None:
                return False
            if current.access_token != rejected:
                return True  # another thread (or process, via the file) already refreshed
            self._tokens = self._refreshed(current)
            return True

    def _refreshed(self, tokens: TokenSet) -> TokenSet:
        now = self.clock()
        saved = self.store.load()  # another process may have rotated the pair already
        if saved and saved.access_token != tokens.access_token:
            if saved.access_valid(now, margin=self.margin):
                return saved
            if saved.refresh_expires_at > tokens.refresh_expires_at:
                tokens = saved
        if not tokens.refresh_valid(now):
            raise SaxoAuthError("Saxo session expired: run `manage.py saxo_login` again",
                                code="SessionExpired")
        fresh = self.app.refresh(tokens.refresh_token)
        self.store.save(fresh)  # each refresh rotates the refresh token: persist both
        return fresh


def new_state() -> str:
    return secrets.token_urlsafe(16)


def code_from_redirect(url: str, *, state: str | None) -> str:
    """Extract `code` from the redirect URL Saxo sent the browser to; checks `state`."""
    query = parse_qs(urlparse(url.strip()).query)
    if "error" in query:
        raise SaxoAuthError(f"Saxo login failed: {query['error'][0]}", code="LoginFailed")
    if state is not None and query.get("state", [None])[0] != state:
        raise SaxoAuthError("The redirect's state does not match this login", code="StateMismatch")
    codes = query.get("code")
    if not codes:
        raise SaxoAuthError("No `code` parameter in the redirect URL", code="NoCode")
    return codes[0]
