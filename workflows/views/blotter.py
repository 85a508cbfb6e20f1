"""/blotter/: every order of the 7-day window across workflows (SPEC §8), filtered on the
server, newest first, paged with the store's opaque cursor; works without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from orders import blotter
from orders.blotter import BadCursor, BlotterFilters
from orders.errors import OrderStoreUnavailable
from orders.lifecycle import LABELS, Status
from orders.records import OrderRecord
from workflows.models import Workflow
from workflows.views.panels import store_error

PAGE_SIZE = 50
MODES = [("", "All modes"), ("live", "Not dry run"), ("dry", "Dry run only")]
STATUS_LABELS = [("", "Any status")] + [(s.value, LABELS[s]) for s in Status]


class BlotterFilterForm(forms.Form):
    """GET filters of /blotter/ (the API's names, plus `day`); a bad value is ignored."""

    workflow_id = forms.ChoiceField(required=False, label="Workflow")
    asset = forms.ChoiceField(required=False)
    direction = forms.ChoiceField(required=False, choices=[
        ("", "All"), ("BUY", "BUY"), ("SELL", "SELL")])
    mode = forms.ChoiceField(required=False, choices=MODES)
    status = forms.ChoiceField(required=False, choices=STATUS_LABELS)
    day = forms.ChoiceField(required=False, label="Day (UTC)")

    def __init__(self, *args: Any, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = Workflow.objects.order_by("name").values_list("id", "name", "archived_at")
        self.fields["workflow_id"].choices = [("", "All workflows")] + [
            (str(pk), f"{name} (archived)" if archived else name) for pk, name, archived in rows]
        cfds = sorted(set(Workflow.objects.values_list("cfd", flat=True)), key=str.lower)
        self.fields["asset"].choices = [("", "All assets")] + [(c, c) for c in cfds]
        today = now.date()
        self.fields["day"].choices = [("", "Last 7 days")] + [
            ((today - timedelta(days=n)).isoformat(),) * 2 for n in range(8)]

    def filters(self) -> BlotterFilters:
        self.is_valid()
        good = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        since = until = None
        if good.get("day"):
            since, until = blotter.day_bounds(date.fromisoformat(good["day"]))
        mode = good.get("mode") or ""
        return BlotterFilters(
            since=since, until=until, workflow_id=good.get("workflow_id") or "",
            asset=good.get("asset") or "", direction=good.get("direction") or "",
            status=good.get("status") or "", live={"live": True, "dry": False}.get(mode),
        )


@dataclass
class BlotterPanel:
    orders: list[OrderRecord] = field(default_factory=list)
    next_cursor: str | None = None
    error: str | None = None
    cursor_error: str | None = None


def blotter_panel(*, filters: BlotterFilters, cursor: str | None, now: datetime) -> BlotterPanel:
    """One page; a changed cursor shows the first page with a note, a store outage the banner."""
    try:
        try:
            page = blotter.blotter_page(filters=filters, now=now, cursor=cursor,
                                        limit=PAGE_SIZE)
            return BlotterPanel(page.orders, page.next_cursor)
        except BadCursor as exc:
            page = blotter.blotter_page(filters=filters, now=now, limit=PAGE_SIZE)
            return BlotterPanel(page.orders, page.next_cursor, cursor_error=str(exc))
    except OrderStoreUnavailable as exc:
        return BlotterPanel(error=store_error(exc))


def export_query(filters: BlotterFilters) -> str:
    """The query string of /api/workflow/blotter/export.csv for the filters shown."""
    params = {
        "since": filters.since.isoformat() if filters.since else "",
        "until": filters.until.isoformat() if filters.until else "",
        "workflow_id": filters.workflow_id, "asset": filters.asset,
        "direction": filters.direction, "status": filters.status,
        "live": "" if filters.live is None else str(filters.live).lower(),
    }
    return urlencode({k: v for k, v in params.items() if v})


@login_required
@require_GET
def blotter_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = BlotterFilterForm(request.GET, now=now)
    filters = form.filters()
    cursor = request.GET.get("cursor") or None
    panel = blotter_panel(filters=filters, cursor=cursor, now=now)
    return render(request, "orders/blotter.html", {
        "nav": "blotter", "form": form, "panel": panel, "store_error": panel.error,
        "now": now, "export_query": export_query(filters), "paged": bool(cursor),
    })
