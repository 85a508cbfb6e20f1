"""API authentication: Bearer tokens (no CSRF: a browser never adds them on its own) or a
logged-in session (CSRF-checked on unsafe methods, like any cookie-authenticated request)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from korder_site.models import ApiToken, Scope
from korder_site.permissions import check_trade
from korder_site.rows import RowBy

TOKEN_BYTES = 32
# Writing last_used_at on every request would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
UNAUTHORIZED = "Authentication required: log in, or send 'Authorization: Bearer <token>'"
# One answer for unknown, revoked and expired tokens: a caller can't probe which tokens exist.
BAD_TOKEN = "Invalid or expired token"
_BY_HASH = RowBy(ApiToken, "key_hash", join="user")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(
    *, user: AbstractBaseUser, name: str = "", scope: str = Scope.READ,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the token (only its hash is stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(token), prefix=token[:8], scope=scope,
        expires_at=expires_at,
    )
    return row, token


def token_row(token: str, *, now: datetime) -> ApiToken | None:
    """The unrevoked, unexpired token row of an active user, else None.

    One lookup by the unique hash (with the user, see korder_site.rows), the rest checked
    here: every API request pays this."""
    if not token or len(token) > 200 or not token.isprintable():
        return None
    row = _BY_HASH.get(hash_token(token))
    if row is None:
        return None
    expired = row.expires_at is not None and row.expires_at <= now
    if row.revoked_at is not None or expired or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def user_for_token(token: str, *, now: datetime) -> AbstractBaseUser | None:
    """The active user owning an unrevoked, unexpired token, else None."""
    row = token_row(token, now=now)
    return None if row is None else row.user


class BearerTokenAuth(HttpBearer):
    """Sets `request.api_token` (its scope decides writes, see korder_site.permissions)."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        row = token_row(token, now=timezone.now())
        if row is None:
            return None
        request.api_token = row  # type: ignore[attr-defined]
        return row.user


def sent_bearer_token(request: HttpRequest) -> bool:
    """Whether the request carried `Authorization: Bearer ...` (for the 401 wording)."""
    header = request.headers.get("Authorization", "")
    return header.split(" ", 1)[0].lower() == "bearer"


def unauthorized_detail(request: HttpRequest) -> str:
    return BAD_TOKEN if sent_bearer_token(request) else UNAUTHORIZED


class SessionCsrfAuth(SessionAuth):
    """Django session auth; CSRF is checked only once a session user exists, so an
    anonymous call gets 401 (not a CSRF 403) and the Bearer scheme is never CSRF-checked."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


API_AUTH = [BearerTokenAuth(), SessionCsrfAuth()]


class TradeBearerAuth(BearerTokenAuth):
    """A Bearer token whose user may trade and whose scope is `trade`, else 403."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        user = super().authenticate(request, token)
        if user is not None:
            check_trade(user, request.api_token)  # type: ignore[attr-defined]
        return user


class TradeSessionAuth(SessionCsrfAuth):
    """A session whose user may trade, else 403."""

    def __call__(self, request: HttpRequest) -> Any:
        user = super().__call__(request)
        if user:
            check_trade(user)
        return user


# For API writes: 401 without credentials, 403 (before the body is read) without the right.
TRADE_AUTH = [TradeBearerAuth(), TradeSessionAuth()]


def api_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the docs and the OpenAPI schema: a session or a Bearer token, else 401 JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated or API_AUTH[0](request):
            return view(request, *args, **kwargs)
        return JsonResponse({"detail": unauthorized_detail(request)}, status=401)

    return wrapper
