"""Saxo OpenAPI errors, and the mapping of every documented error shape to one of them.

Messages carry Saxo's `ErrorCode`/`Message` and the `X-Correlation` id, never a token or secret.
"""

from __future__ import annotations

import json
from typing import Any

import requests


class SaxoError(Exception):
    """A Saxo call failed. `code`/`message` are Saxo's own when the reply had them."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        correlation: str | None = None,
        model_state: dict[str, list[str]] | None = None,
    ):
        super().__init__(f"{code}: {message}" if code else message)
        self.message = message
        self.code = code
        self.status = status
        self.correlation = correlation
        self.model_state = model_state or {}


class SaxoAuthError(SaxoError):
    """No usable token: not logged in, session expired, or the token was rejected."""


class SaxoRateLimitError(SaxoError):
    """Still throttled (HTTP 429) after waiting for the reset."""


def reply_json(response: requests.Response) -> Any:
    """The JSON body, or None when the body is empty or not JSON (401s have empty bodies)."""
    if not response.content:
        return None
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError):
        return None


def error_info(payload: Any) -> tuple[str | None, str] | None:
    """`(code, message)` from an `ErrorInfo` object or a top-level `ErrorCode`, else None."""
    if not isinstance(payload, dict):
        return None
    info = payload.get("ErrorInfo")
    if isinstance(info, dict) and (info.get("ErrorCode") or info.get("Message")):
        return info.get("ErrorCode"), _clean(info.get("Message"))
    if payload.get("ErrorCode"):
        return payload["ErrorCode"], _clean(payload.get("Message"))
    legs = payload.get("Orders")
    if isinstance(legs, list):
        for leg in legs:
            found = error_info(leg) if isinstance(leg, dict) and "ErrorInfo" in leg else None
            if found:
                return found
    return None


def error_from_response(response: requests.Response) -> SaxoError:
    """Map a failed reply (any status, any documented body shape) to a SaxoError."""
    status = response.status_code
    correlation = response.headers.get("X-Correlation")
    payload = reply_json(response)
    found = error_info(payload)
    code, message = found if found else (None, _default_message(status, response.reason))
    model_state = _model_state(payload)
    if model_state:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in model_state.items())
        message = f"{message} ({details})"
    if correlation:
        message = f"{message} [X-Correlation {correlation}]"
    kind = SaxoAuthError if status == 401 else SaxoRateLimitError if status == 429 else SaxoError
    return kind(
        message, code=code or _status_code(status), status=status,
        correlation=correlation, model_state=model_state,
    )


def _model_state(payload: Any) -> dict[str, list[str]]:
    if not isinstance(payload, dict) or not isinstance(payload.get("ModelState"), dict):
        return {}
    return {
        str(field): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
        for field, msgs in payload["ModelState"].items()
    }


def _clean(message: Any) -> str:
    # Saxo messages may carry escaped or real CR/LF; keep them on one line.
    text = str(message or "").replace("\\r\\n", " ").replace("\r\n", " ").replace("\n", " ")
    return text.strip()


_STATUS_CODES = {401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
                 429: "TooManyRequests"}


def _status_code(status: int) -> str:
    return _STATUS_CODES.get(status, f"HTTP{status}")


def _default_message(status: int, reason: str | None) -> str:
    if status == 401:
        return "Saxo rejected the access token"
    if status == 409:
        return "Duplicate order request (same order within 15 seconds)"
    return f"Saxo answered HTTP {status} {reason or ''}".strip()
