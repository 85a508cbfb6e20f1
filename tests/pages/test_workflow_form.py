"""/workflows/new/ and /workflows/<id>/edit/: WorkflowIn is the one validation path."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from workflows.models import Workflow
from workflows.views.forms import suggest_name

pytestmark = pytest.mark.django_db


def form_data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "", "index": "DAX.I", "cfd": "GER40.I", "enabled": "on", "dry_run": "on",
        "end_date": "", "indicator_name": "bbb", "indicator_ut": "h1", "value": "",
        "zone_value": "", "x1_date": "", "x1_price": "", "x2_date": "", "x2_price": "",
        "close_direction": "above", "close_ut": "h1", "spread": "", "element": "",
        "trigger_ut": "h1", "trigger_location": "higher", "trigger_order_direction": "buy",
        "trigger_quantity": "0.5", "trigger_offset": "",
    }
    data.update(changes)
    return data


def errors(response) -> dict[str, list[str]]:
    return {k: list(v) for k, v in response.context["form"].errors.items()}


def test_name_suggestion_rule():
    assert suggest_name("buy", "bbb", "h1", "GER40.I") == "BUY BBB H1 GER40.I"
    assert suggest_name("sell", "ma50", "h4", "") == "SELL MA50 H4"


def test_create_with_a_blank_name_uses_the_suggested_name(trader_client):
    response = trader_client.post("/workflows/new/", form_data())
    workflow = Workflow.objects.get()
    assert response.status_code == 302 and response.url == f"/workflows/{workflow.id}/"
    assert workflow.name == "BUY BBB H1 GER40.I"
    assert workflow.dry_run and workflow.trigger_quantity == Decimal("0.5")
    assert workflow.trigger_offset == Decimal("1")  # WorkflowIn's default


def test_errors_of_the_shared_validation_land_on_their_fields(trader_client):
    response = trader_client.post("/workflows/new/", form_data(
        index="", indicator_name="zone", value="31.5", trigger_quantity="0", spread="-1",
        end_date="2026-02-30",
    ))
    assert response.status_code == 200 and not Workflow.objects.exists()
    found = errors(response)
    assert found["index"] == ["Field required"]
    assert found["zone_value"] == ["zone_value is required for a zone indicator"]
    assert found["trigger_quantity"] == ["Input should be greater than 0"]
    assert "greater than or equal to 0" in found["spread"][0]
    assert "not a real date" in found["end_date"][0]


def test_inclined_points_must_have_different_dates(trader_client):
    response = trader_client.post("/workflows/new/", form_data(
        indicator_name="inclined", x1_date="2026-01-05", x1_price="100",
        x2_date="2026-01-05", x2_price="110",
    ))
    assert "different dates" in errors(response)["x1_date"][0]


def test_fields_the_indicator_does_not_use_are_dropped(trader_client):
    trader_client.post("/workflows/new/", form_data(indicator_name="ma50", value="12",
                                                     x1_date="2026-01-05"))
    condition = Workflow.objects.get().conditions.get()
    assert condition.value is None and condition.x1_date is None


def test_a_taken_name_is_a_name_error(trader_client, make_workflow):
    make_workflow("BUY BBB H1 GER40.I")
    response = trader_client.post("/workflows/new/", form_data(name="buy bbb h1 ger40.i"))
    assert "already exists" in errors(response)["name"][0]


def test_edit_prefills_and_keeps_the_not_evaluated_conditions(trader_client, make_workflow):
    wf = make_workflow("zone wf", conditions=[
        {"indicator": {"name": "zone", "ut": "daily", "value": "29.5", "zone_value": "31.5"},
         "close": {"direction": "above", "ut": "h1"}},
        {"indicator": {"name": "ma7", "ut": "h4"}, "close": {"direction": "below", "ut": "h1"}},
    ])
    form = trader_client.get(f"/workflows/{wf.id}/edit/").context["form"]
    assert form.initial["value"] == "29.5" and form.initial["zone_value"] == "31.5"
    data = {k: ("on" if v is True else "" if v in (False, None) else v)
            for k, v in form.initial.items()}
    data = form_data(**{**data, "trigger_quantity": "3"})
    response = trader_client.post(f"/workflows/{wf.id}/edit/", data)
    assert response.status_code == 302, errors(response)
    wf.refresh_from_db()
    assert wf.trigger_quantity == 3
    assert [c.indicator_name for c in wf.conditions.all()] == ["zone", "ma7"]


def test_the_form_page_renders_every_field_for_use_without_javascript(trader_client):
    page = trader_client.get("/workflows/new/").content.decode()
    for name in ("zone_value", "x1_date", "x2_price", "trigger_offset"):
        assert f'name="{name}"' in page
    assert 'data-indicators="zone"' in page and "<script" in page and "onclick" not in page
