"""/workflows/<id>/: info, conditions, trigger, order history, decisions, actions."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client

from workflows.models import Workflow

pytestmark = pytest.mark.django_db

TWO_CONDITIONS = [
    {"indicator": {"name": "polarite", "ut": "daily", "value": "31.5"},
     "close": {"direction": "above", "ut": "h1"}},
    {"indicator": {"name": "ma7", "ut": "h4"}, "close": {"direction": "above", "ut": "h1"}},
]


def test_detail_shows_info_tradingview_link_and_marks_later_conditions(
    trader_client, make_workflow, order_store
):
    wf = make_workflow("itp", index="ITP:xpar", cfd="ITP:xpar", conditions=TWO_CONDITIONS)
    page = trader_client.get(f"/workflows/{wf.id}/").content.decode()
    assert 'href="https://www.tradingview.com/chart/?symbol=EURONEXT:ITP"' in page
    assert page.count(">not evaluated</span>") == 1
    assert "POL (Polarité)" in page and "31.5" in page
    assert "No orders placed yet" in page


def test_order_history_is_newest_first_up_to_20_then_links_all_7_days(
    trader_client, make_workflow, place_order, order_store, now
):
    wf = make_workflow()
    for n in range(22):
        place_order(wf, now - timedelta(hours=n + 1), broker_order_id=f"B{n}",
                    dry_run=n == 0)
    place_order(wf, now - timedelta(days=8))  # outside the window: never shown or counted
    response = trader_client.get(f"/workflows/{wf.id}/")
    history = response.context["history"]
    assert len(history.orders) == 20 and history.total == 22
    assert [o.broker_order_id for o in history.orders[:2]] == ["B0", "B1"]
    page = response.content.decode()
    assert "20 of 22 orders in the last 7 days" in page
    assert f'href="/workflows/{wf.id}/orders/"' in page
    assert "DRY RUN" in page and "<code>B0</code>" in page
    all_orders = trader_client.get(f"/workflows/{wf.id}/orders/")
    assert len(all_orders.context["history"].orders) == 22


def test_unknown_workflow_is_404(trader_client, order_store):
    assert trader_client.get(f"/workflows/{uuid.uuid4()}/").status_code == 404


def test_enable_disable_is_a_csrf_protected_post(make_workflow, trader, order_store):
    wf = make_workflow()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(trader)
    assert strict.post(f"/workflows/{wf.id}/enabled/", {"enabled": "0"}).status_code == 403
    assert strict.get(f"/workflows/{wf.id}/enabled/").status_code == 405
    page = strict.get(f"/workflows/{wf.id}/")
    token = page.cookies["csrftoken"].value
    response = strict.post(f"/workflows/{wf.id}/enabled/",
                           {"enabled": "0", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    wf.refresh_from_db()
    assert wf.enabled is False


def test_archive_asks_for_confirmation_then_archives(trader_client, make_workflow, order_store):
    wf = make_workflow()
    confirm = trader_client.get(f"/workflows/{wf.id}/archive/")
    assert "Are you sure you want to archive this workflow?" in confirm.content.decode()
    assert Workflow.objects.get(id=wf.id).archived_at is None
    response = trader_client.post(f"/workflows/{wf.id}/archive/")
    assert response.status_code == 302 and response.url == "/workflows/"
    wf.refresh_from_db()
    assert wf.archived_at is not None and not wf.enabled
    detail = trader_client.get(f"/workflows/{wf.id}/").content.decode()
    assert "Archived" in detail and "Run now" not in detail


def test_view_on_site_from_the_admin_leads_to_the_detail_page(admin_client, make_workflow):
    wf = make_workflow()
    page = admin_client.get(f"/admin/workflows/workflow/{wf.id}/change/").content.decode()
    assert "View on site" in page
