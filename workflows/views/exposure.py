"""The exposure panel (on /status/, and alone at /status/exposure/: working orders and
positions at the broker, tied to workflows), the Trader's cancel with a confirmation page, and
/workflow-orders/<id>/ (one order's lifecycle)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from korder_site import permissions
from orders import events
from orders import services as order_services
from orders.errors import OrderNotFound, OrderStoreUnavailable
from workflows import exposure
from workflows.models import Workflow
from workflows.views.panels import store_error


def can_trade(request: HttpRequest) -> bool:
    """The Trader role (korder_site.permissions: `workflows.trade`, staff, superusers)."""
    return permissions.can_trade(request.user)


@login_required
@require_GET
def exposure_page(request: HttpRequest) -> HttpResponse:
    return render(request, "workflows/exposure.html", {
        "nav": "status", "exposure": exposure.exposure_panel(), "can_trade": can_trade(request),
    })


@login_required
@require_http_methods(["GET", "POST"])
def cancel_order(request: HttpRequest, broker_order_id: str) -> HttpResponse:
    """GET: the confirmation page; POST: cancel at the broker. Traders only (403 otherwise)."""
    if not can_trade(request):
        raise PermissionDenied("Cancelling an order needs the Trader role.")
    owner = exposure.owner_of(broker_order_id)
    if owner is None:
        raise Http404(f"Order {broker_order_id} was not placed by k-order")
    if request.method == "GET":
        return render(request, "workflows/cancel_confirm.html", {
            "nav": "status", "broker_order_id": broker_order_id, "owner": owner})
    try:
        exposure.cancel_order(broker_order_id=broker_order_id,
                              by=request.user.get_username(), now=timezone.now())
    except exposure.CancelRefused as exc:
        messages.error(request, f"Order {broker_order_id} not cancelled: {exc}")
    else:
        messages.success(request, f"Order {broker_order_id} of “{owner.workflow_name}” "
                                  "cancelled at Saxo.")
    return redirect("workflows:status")


@login_required
@require_GET
def order_detail(request: HttpRequest, order_id: UUID) -> HttpResponse:
    """One order: its placement facts, current status and every transition."""
    now = timezone.now()
    try:
        record = order_services.get_order(order_id=str(order_id), now=now)
    except OrderNotFound as exc:
        raise Http404(str(exc)) from exc
    except OrderStoreUnavailable as exc:
        return render(request, "workflows/order.html", {
            "nav": "orders", "store_error": store_error(exc), "record": None}, status=503)
    workflow = Workflow.objects.filter(id=record.workflow_id).first()
    return render(request, "workflows/order.html", {
        "nav": "orders", "record": record, "workflow": workflow, "now": now,
        "events": events.order_events(order_id=record.id),
    })
