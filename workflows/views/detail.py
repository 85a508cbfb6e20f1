"""/workflows/<id>/ and its full 7-day order history."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from workflows.charts import message_svg, workflow_chart_svg
from workflows.engine.deps import page_market_data
from workflows.selectors import workflows_with_conditions
from workflows.specs import spec_from_workflow
from workflows.views.panels import HISTORY_PAGE, history_panel, recent_decisions


@login_required
@require_GET
def workflow_detail(request: HttpRequest, workflow_id: UUID) -> HttpResponse:
    workflow = get_object_or_404(workflows_with_conditions(), id=workflow_id)
    now = timezone.now()
    history = history_panel(workflow=workflow, now=now)
    return render(request, "workflows/detail.html", {
        "nav": "workflows", "workflow": workflow, "conditions": list(workflow.conditions.all()),
        "history": history,
        "decisions": recent_decisions(workflow=workflow), "store_error": history.error,
        "now": now,
    })


@login_required
@require_GET
def workflow_history(request: HttpRequest, workflow_id: UUID) -> HttpResponse:
    """Every order of the 7 days, HISTORY_PAGE at a time, older pages by `?before=`."""
    workflow = get_object_or_404(workflows_with_conditions(), id=workflow_id)
    now = timezone.now()
    before = _before(request.GET.get("before", ""))
    history = history_panel(workflow=workflow, now=now, limit=HISTORY_PAGE, before=before)
    return render(request, "workflows/history.html", {
        "nav": "workflows", "workflow": workflow, "history": history,
        "store_error": history.error, "now": now, "paged": before is not None,
        "older": history.next_before.isoformat() if history.next_before else "",
    })


def _before(text: str) -> datetime | None:
    """The `before` cursor (an ISO time); anything else means the newest page."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@login_required
@require_GET
def workflow_chart(request: HttpRequest, workflow_id: UUID) -> HttpResponse:
    """The detail page's chart as a standalone SVG (an <img>, so the page never waits for it)."""
    workflow = get_object_or_404(workflows_with_conditions(), id=workflow_id)
    try:
        market_data = page_market_data()
    except ImproperlyConfigured as exc:
        svg = message_svg(f"Chart unavailable: {exc}")
    else:
        svg = workflow_chart_svg(spec_from_workflow(workflow), now=timezone.now(),
                                 market_data=market_data)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=60"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
