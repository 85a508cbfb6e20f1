"""Request guards that run before any view (SPEC §13): a body over the limit is a 413, and a
NUL or other control character in a query parameter or form field is refused, so no such value
reaches a database (PostgreSQL fails on a NUL in a string) or a file name.

API paths get JSON (`{"detail": ...}`; a bad parameter is a 422 in the API's field shape),
pages a short plain page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

# C0 controls and DEL, except tab, LF and CR (which a textarea may send).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_ECHO = 40


def too_large_detail() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"Request body too large: the limit is {limit // 1024} KB"


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def too_large(request: HttpRequest) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": too_large_detail()}, status=413)
    return HttpResponse(too_large_detail(), status=413, content_type="text/plain; charset=utf-8")


def _bad_field(params: QueryDict) -> str | None:
    for key, values in params.lists():
        if CONTROL.search(key) or any(CONTROL.search(v) for v in values):
            return key
    return None


def _refuse(request: HttpRequest, field: str, location: str) -> HttpResponse:
    message = "control characters (such as NUL) are not allowed"
    shown = CONTROL.sub("?", field)[:MAX_ECHO]
    if is_api(request):
        return JsonResponse(
            {"detail": [{"field": shown, "location": location, "message": message}]}, status=422
        )
    return HttpResponse(f"Bad request: {location} field {shown!r}: {message}", status=400,
                        content_type="text/plain; charset=utf-8")


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestGuardMiddleware:
    """413 for an oversized body (before it is read), 422/400 for control characters."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return too_large(request)
        field = _bad_field(request.GET)
        if field is not None:
            return _refuse(request, field, "query")
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ):
            try:
                field = _bad_field(request.POST)
            except RequestDataTooBig:
                return too_large(request)
            if field is not None:
                return _refuse(request, field, "form")
        return self.get_response(request)


def client_ip(request: HttpRequest) -> str | None:
    """The client address for login throttling: REMOTE_ADDR, or behind a trusted proxy
    (DJANGO_SECURE_PROXY_SSL_HEADER=1) the address that proxy appended to X-Forwarded-For
    (the last entry: earlier ones are whatever the client claimed)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:64]
    return request.META.get("REMOTE_ADDR")


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None
               ) -> HttpResponse:
    """django-axes' lockout answer: 429 with a page saying for how long (JSON under /api/)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    detail = (f"Too many failed logins: logging in is locked for this account or this address "
              f"for {minutes} minutes after {settings.AXES_FAILURE_LIMIT} failures.")
    if is_api(request):
        return JsonResponse({"detail": detail}, status=429)
    return render(request, "registration/locked_out.html", {"detail": detail}, status=429)
