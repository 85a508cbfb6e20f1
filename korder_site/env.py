"""Typed readers for environment variables; each error names the variable."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    """true/false, 1/0, yes/no, on/off; unset or empty means `default`."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}")
    return value


def env_choice(name: str, default: str, choices: Iterable[str]) -> str:
    allowed = tuple(choices)
    value = env_str(name, default).lower() or default
    if value not in allowed:
        raise ImproperlyConfigured(
            f"{name}={os.environ.get(name)!r} is not one of: {', '.join(allowed)}"
        )
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


def env_time_zone(name: str, default: str = "") -> str:
    """An IANA time zone name ("" allowed: no zone); an unknown one fails naming the variable."""
    value = env_str(name, default)
    if not value:
        return ""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a known time zone (e.g. "
                                   "Europe/Paris, UTC)") from exc
    return value


SECRET_KEY_MIN_LENGTH = 50
# Keys that are public (the example file, the old development default): never in production.
KNOWN_SECRET_KEYS = frozenset({
    "change-me", "changeme", "secret", "dev-only-insecure-key-do-not-use-in-production",
})
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"


def checked_secret_key(value: str, *, debug: bool) -> str:
    """DJANGO_SECRET_KEY, refused when DEBUG is off and it is missing, short or public."""
    if debug:
        return value or DEV_SECRET_KEY
    if not value:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off")
    if value.lower() in KNOWN_SECRET_KEYS or value.startswith("django-insecure"):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is the example's value: set a random one")
    if len(value) < SECRET_KEY_MIN_LENGTH or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} random characters "
            f"(got {len(value)}): e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return value


def warn_debug_from_env_file(env_file: str) -> None:
    """Say at start that debug mode comes from a local .env file, not the environment."""
    sys.stderr.write(
        f"WARNING: DJANGO_DEBUG is on because of {env_file} (local development only: debug "
        "pages show settings and code). Remove it there or set DJANGO_DEBUG=0 in production.\n"
    )
