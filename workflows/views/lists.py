"""/workflows/ and /workflow-orders/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from workflows.views.forms import OrderFilterForm, WorkflowFilterForm, export_query
from workflows.views.panels import latest_orders_panel, workflow_list_panel


@login_required
@require_GET
def workflow_list(request: HttpRequest) -> HttpResponse:
    form = WorkflowFilterForm(request.GET)
    filters, now = form.filters(), timezone.now()
    panel = workflow_list_panel(filters=filters, page=form.page_number(), now=now)
    return render(request, "workflows/list.html", {
        "nav": "workflows", "form": form, "filters": filters, "result": panel.result,
        "store_error": panel.error, "now": now,
    })


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    filters, now = form.filters(), timezone.now()
    panel = latest_orders_panel(filters=filters, now=now)
    return render(request, "orders/list.html", {
        "nav": "orders", "form": form, "panel": panel, "store_error": panel.error, "now": now,
        "export_query": export_query(filters),
    })
