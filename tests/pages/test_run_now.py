"""Run now (dry run): the real engine, on sample CSV market data, for one workflow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from orders import services as order_services
from workflows.models import Decision

pytestmark = pytest.mark.django_db

ZONE = [{"indicator": {"name": "zone", "ut": "h1", "value": "29", "zone_value": "31"},
         "close": {"direction": "above", "ut": "h1"}}]


def test_run_now_runs_the_engine_in_dry_run_and_reports_the_outcome(
    trader_client, make_workflow, order_store, sample_data, now
):
    wf = make_workflow("itp zone", index="ITP:xpar", cfd="ITP:xpar", conditions=ZONE,
                       trigger={"ut": "h1", "location": "higher", "order_direction": "buy",
                                "quantity": "10"})
    call_command("make_sample_data", out=sample_data, days=5, verbosity=0)
    response = trader_client.post(f"/workflows/{wf.id}/run/", follow=True)
    text = [str(m) for m in response.context["messages"]]
    decision = Decision.objects.get(workflow_id=wf.id)
    assert decision.dry_run and decision.outcome == "ordered"
    assert text == [f"Run now (dry run): evaluated 1 / triggered 1 / placed 1 / skipped 0 / "
                    f"failed 0. {decision.reason}"]
    [order] = order_services.list_workflow_orders(workflow_id=str(wf.id), now=now)
    assert order.dry_run and order.execution_context.startswith("run_now@")
    page = response.content.decode()
    assert "Recent decisions" in page and "Order placed" in page and "DRY RUN" in page
    assert "No orders placed yet" not in page

    chart = trader_client.get(f"/workflows/{wf.id}/chart.svg")
    svg = chart.content.decode()
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert svg.startswith("<svg") and svg.count('class="marker"') == 1
    assert 'class="zone"' in svg and "<script" not in svg


def test_run_now_reports_its_own_decision_not_the_newest_logged_one(
    trader_client, make_workflow, order_store, sample_data, now
):
    wf = make_workflow("itp zone", index="ITP:xpar", cfd="ITP:xpar", conditions=ZONE)
    call_command("make_sample_data", out=sample_data, days=5, verbosity=0)
    later = now + timedelta(days=1)  # e.g. a replay `run_workflows --at` a later time
    Decision.objects.create(workflow_id=wf.id, workflow_name=wf.name, evaluated_at=later,
                            created_at=now, outcome="no_order", reason="a replay's reason")
    response = trader_client.post(f"/workflows/{wf.id}/run/", follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    fresh = Decision.objects.exclude(evaluated_at=later).get(workflow_id=wf.id)
    assert "a replay's reason" not in message and message.endswith(fresh.reason)


def test_run_now_on_a_disabled_workflow_explains_why_nothing_ran(
    trader_client, make_workflow, order_store, sample_data
):
    wf = make_workflow("off", enabled=False)
    response = trader_client.post(f"/workflows/{wf.id}/run/", follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert message == "Run now: this workflow is disabled. Enable it first."
    assert not Decision.objects.exists()
    log = response.content.decode().split("data-decision-log", 1)[1]
    assert "The engine skips this workflow until it is enabled" in log
    assert "not evaluated" not in log and "No decisions yet" not in log


def test_chart_without_market_data_says_why_instead_of_drawing_anything(
    trader_client, make_workflow, order_store, sample_data
):
    wf = make_workflow("no data", index="NODATA.I")
    svg = trader_client.get(f"/workflows/{wf.id}/chart.svg").content.decode()
    assert "Chart unavailable" in svg and "<rect x=" not in svg


def test_the_chart_needs_only_market_data_not_a_working_broker(
    trader_client, make_workflow, order_store, sample_data, settings
):
    settings.KORDER_BROKER, settings.KORDER_SAXO_ENVIRONMENT = "saxo", "nowhere"
    wf = make_workflow("itp zone", index="ITP:xpar", cfd="ITP:xpar", conditions=ZONE)
    call_command("make_sample_data", out=sample_data, days=5, verbosity=0)
    svg = trader_client.get(f"/workflows/{wf.id}/chart.svg").content.decode()
    assert "Chart unavailable" not in svg and 'class="zone"' in svg
