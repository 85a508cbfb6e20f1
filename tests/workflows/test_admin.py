"""The Django admin edits workflows through the same validation as every other path."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from workflows.models import Workflow

SAMPLE = Path(__file__).resolve().parents[2] / "sample" / "workflows.yml"


@pytest.fixture
def workflow(db):
    call_command("import_workflows", str(SAMPLE), verbosity=0)
    return Workflow.objects.get(name="sample buy zone daily interparfums")


def form_data(workflow: Workflow, **changes: str) -> dict[str, str]:
    cond = workflow.conditions.get()
    data = {
        "name": workflow.name, "index": workflow.index, "cfd": workflow.cfd,
        "enabled": "on", "trigger_ut": "h1", "trigger_signal": "breakout",
        "trigger_location": "higher", "trigger_order_direction": "buy",
        "trigger_quantity": "10", "trigger_offset": "0.05",
        "conditions-TOTAL_FORMS": "1", "conditions-INITIAL_FORMS": "1",
        "conditions-MIN_NUM_FORMS": "1", "conditions-MAX_NUM_FORMS": "1000",
        "conditions-0-id": str(cond.id), "conditions-0-workflow": str(workflow.id),
        "conditions-0-position": "0", "conditions-0-indicator_name": "zone",
        "conditions-0-indicator_ut": "daily", "conditions-0-value": "31.5",
        "conditions-0-zone_value": "29.5", "conditions-0-close_direction": "above",
        "conditions-0-close_ut": "h1", "conditions-0-spread": "0", "conditions-0-element": "",
    }
    data.update(changes)
    return data


def test_admin_lists_the_sample_workflows(admin_client, workflow):
    page = admin_client.get("/admin/workflows/workflow/")
    assert page.status_code == 200
    assert b"sample buy zone daily interparfums" in page.content


def test_admin_saves_a_valid_edit_with_zone_bounds_sorted(admin_client, workflow):
    url = f"/admin/workflows/workflow/{workflow.id}/change/"
    response = admin_client.post(url, form_data(workflow, trigger_quantity="12"))
    assert response.status_code == 302, response.content.decode()[:2000]
    workflow.refresh_from_db()
    cond = workflow.conditions.get()
    assert workflow.trigger_quantity == 12
    assert (cond.value, cond.zone_value) == (29.5, 31.5)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"conditions-0-zone_value": ""}, "zone_value is required"),
        ({"trigger_quantity": "0"}, "greater than 0"),
        ({"conditions-0-spread": "-1"}, "greater than or equal to 0"),
        ({"conditions-0-indicator_name": "polarite", "conditions-0-value": ""},
         "value is required"),
    ],
)
def test_admin_rejects_invalid_values_and_keeps_the_stored_workflow(
    admin_client, workflow, changes, message
):
    url = f"/admin/workflows/workflow/{workflow.id}/change/"
    response = admin_client.post(url, form_data(workflow, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    workflow.refresh_from_db()
    assert workflow.trigger_quantity == 10


@pytest.mark.parametrize(("changes", "field"), [
    ({"index": "../../etc"}, "index"),
    ({"cfd": "/tmp/x"}, "cfd"),
    ({"name": "evil\x00name"}, "name"),
])
def test_admin_applies_the_symbol_and_control_character_rules(
    admin_client, workflow, changes, field
):
    url = f"/admin/workflows/workflow/{workflow.id}/change/"
    response = admin_client.post(url, form_data(workflow, **changes))
    assert response.status_code in (200, 400)
    workflow.refresh_from_db()
    assert (workflow.name, workflow.index, workflow.cfd) == (
        "sample buy zone daily interparfums", "ITP:xpar", "ITP:xpar"
    )


def test_admin_refuses_more_than_20_conditions(admin_client, workflow):
    data = form_data(workflow)
    for n in range(1, 22):
        for key in ("position", "indicator_name", "indicator_ut", "value", "zone_value",
                    "close_direction", "close_ut", "spread", "element"):
            data[f"conditions-{n}-{key}"] = data[f"conditions-0-{key}"]
        data[f"conditions-{n}-position"] = str(n)
        data[f"conditions-{n}-workflow"] = str(workflow.id)
    data["conditions-TOTAL_FORMS"] = "22"
    response = admin_client.post(f"/admin/workflows/workflow/{workflow.id}/change/", data)
    assert response.status_code == 200
    assert workflow.conditions.count() == 1
