"""/status/: is the engine running, are the markets open, is the broker reachable (SPEC §8)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from workflows.exposure import exposure_panel
from workflows.status import engine_status
from workflows.views.exposure import can_trade


@login_required
@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    status = engine_status(timezone.now())
    return render(request, "workflows/status.html", {
        "nav": "status", "status": status, "now": status.now,
        "store_error": None if status.store.up else status.store.detail,
        "exposure": exposure_panel(), "can_trade": can_trade(request),
    })
