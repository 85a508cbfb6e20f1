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

from korder_site.models import ApiToken

TOKEN_BYTES = 32
# Writing last_used_at on every request would turn reads into writes; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)
UNAUTHORIZED = "Authentication required: log in, or send 'Authorization: Bearer <token>'"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(*, user: AbstractBaseUser, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the token (only its hash is stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(token), prefix=token[:8]
    )
    return row, token


def user_for_token(token: str, *, now: datetime) -> AbstractBaseUser | None:
    """The active user owning an unrevoked token, else None."""
    if not token or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser | None:
        return user_for_token(token, now=timezone.now())


class SessionCsrfAuth(SessionAuth):
    """Django session auth; CSRF is checked only once a session user exists, so an
    anonymous call gets 401 (not a CSRF 403) and the Bearer scheme is never CSRF-checked."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


API_AUTH = [BearerTokenAuth(), SessionCsrfAuth()]


def api_login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the docs and the OpenAPI schema: a session or a Bearer token, else 401 JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated or API_AUTH[0](request):
            return view(request, *args, **kwargs)
        return JsonResponse({"detail": UNAUTHORIZED}, status=401)

    return wrapper
