"""Order-history endpoints against a real local store: contract shape, 7-day window, limit,
latest-per-workflow filters, single order, CSV export, and the store being down (503)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from orders import services
from tests.api.contract import assert_matches
from tests.fixtures.order_store import make_order_record
from workflows.models import Workflow

pytestmark = pytest.mark.django_db

UNKNOWN = "0ff85e08-6908-4ddc-b53d-7be6bcb2eac9"


def _seed(workflow: Workflow, *ages_minutes: float, **fields) -> list[str]:
    """Record one order per age (minutes before now); returns their ids."""
    ids = []
    for age in ages_minutes:
        record = make_order_record(
            workflow_id=str(workflow.id), workflow_name=workflow.name, order_code=workflow.cfd,
            placed_at=timezone.now() - timedelta(minutes=age), **fields,
        )
        assert services.record_order(record=record) == "stored"
        ids.append(record.id)
    return ids


def _history(api: Client, workflow: Workflow, query: str = ""):
    return api.get(f"/api/workflow/workflows/{workflow.id}/orders{query}")


# --- per-workflow history --------------------------------------------------------------------


def test_history_matches_the_contract_newest_first(api: Client, make_workflow, order_store) -> None:
    wf = make_workflow()
    older, newer = _seed(wf, 90, 5)
    response = _history(api, wf)
    assert response.status_code == 200
    body = response.json()
    assert_matches("WorkflowOrderHistoryResponse", body)
    for item in body["orders"]:
        assert_matches("WorkflowOrderListItem", item)
    assert [o["id"] for o in body["orders"]] == [newer, older]
    assert (body["workflow_id"], body["total_count"], body["limit"]) == (str(wf.id), 2, 20)
    first = body["orders"][0]
    assert first["order_price"] == 22150.5 and first["order_quantity"] == 0.1
    assert first["placed_at"].endswith("Z") and "+" not in first["placed_at"]


def test_history_placed_at_is_iso_utc_to_the_second(
    api: Client, make_workflow, order_store
) -> None:
    wf = make_workflow()
    placed = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    services.record_order(record=make_order_record(workflow_id=str(wf.id), placed_at=placed))
    item = _history(api, wf).json()["orders"][0]
    assert item["placed_at"] == placed.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_history_honours_limit_and_counts_the_whole_window(
    api: Client, make_workflow, order_store
) -> None:
    wf, other = make_workflow(), make_workflow(name="other")
    _seed(wf, 1, 2, 3, 4, 5)
    _seed(wf, 8 * 24 * 60)  # older than 7 days: outside the window even if not yet deleted
    _seed(other, 1)
    body = _history(api, wf, "?limit=2").json()
    assert_matches("WorkflowOrderHistoryResponse", body)
    assert (len(body["orders"]), body["total_count"], body["limit"]) == (2, 5, 2)
    assert _history(api, wf, "?limit=100").json()["total_count"] == 5


def test_history_of_a_workflow_without_orders_is_empty(
    api: Client, make_workflow, order_store
) -> None:
    body = _history(api, make_workflow()).json()
    assert body["orders"] == [] and body["total_count"] == 0
    assert_matches("WorkflowOrderHistoryResponse", body)


def test_history_of_an_archived_workflow_is_still_visible(
    api: Client, make_workflow, order_store
) -> None:
    wf = make_workflow()
    _seed(wf, 1)
    api.delete(f"/api/workflow/workflows/{wf.id}")
    assert _history(api, wf).json()["total_count"] == 1


@pytest.mark.parametrize("limit", ["0", "101", "x", "-1", "1.5"])
def test_history_rejects_a_bad_limit_with_a_field_message(
    api: Client, make_workflow, limit: str
) -> None:
    response = _history(api, make_workflow(), f"?limit={limit}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["field"], error["location"]) == ("limit", "query")
    assert error["message"]


def test_history_of_an_unknown_or_malformed_workflow_id(api: Client) -> None:
    response = api.get(f"/api/workflow/workflows/{UNKNOWN}/orders")
    assert response.status_code == 404
    assert_matches("ErrorResponse", response.json())
    response = api.get("/api/workflow/workflows/123/orders")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "workflow_id"


# --- one order -------------------------------------------------------------------------------


def test_one_order_matches_the_contract_detail(api: Client, make_workflow, order_store) -> None:
    wf = make_workflow()
    [order_id] = _seed(wf, 10, dry_run=True, broker_order_id=None)
    response = api.get(f"/api/workflow/orders/{order_id}")
    assert response.status_code == 200
    body = response.json()
    assert_matches("WorkflowOrderDetail", body)
    assert body["id"] == order_id and body["workflow_name"] == wf.name
    assert (body["order_type"], body["asset_type"], body["trigger_close"]) == (
        "OPEN_STOP", "CfdOnIndex", 22160.25,
    )
    assert (body["dry_run"], body["broker"], body["broker_order_id"]) == (True, "notify", None)
    assert body["trigger_candle_time"] == "2026-02-22T13:00:00Z"


def test_one_order_unknown_expired_or_malformed(api: Client, make_workflow, order_store) -> None:
    [expired] = _seed(make_workflow(), 8 * 24 * 60)
    for order_id in (UNKNOWN, expired):
        response = api.get(f"/api/workflow/orders/{order_id}")
        assert response.status_code == 404
        assert_matches("ErrorResponse", response.json())
    response = api.get("/api/workflow/orders/not-a-uuid")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "order_id"


# --- latest per workflow, CSV ----------------------------------------------------------------


@pytest.fixture
def three(make_workflow, order_store) -> dict[str, Workflow]:
    wfs = {
        "a": make_workflow(name="a", cfd="GER40.I"),
        "b": make_workflow(name="b", cfd="FRA40.I"),
        "c": make_workflow(name="c", cfd="GER40.I"),
    }
    _seed(wfs["a"], 30, order_direction="BUY")
    _seed(wfs["a"], 3, order_direction="SELL")
    _seed(wfs["b"], 20, order_direction="BUY", order_price=Decimal("7850.25"))
    _seed(wfs["c"], 9 * 24 * 60)  # expired: not listed
    return wfs


def _latest(api: Client, query: str = "") -> list[tuple[str, str]]:
    response = api.get(f"/api/workflow/orders{query}")
    assert response.status_code == 200, response.content
    return [(o["workflow_name"], o["order_direction"]) for o in response.json()["orders"]]


def test_latest_order_per_workflow_newest_first_with_filters(api: Client, three) -> None:
    assert _latest(api) == [("a", "SELL"), ("b", "BUY")]
    assert _latest(api, "?direction=buy") == [("b", "BUY")]
    assert _latest(api, "?asset=ger40.i") == [("a", "SELL")]
    assert _latest(api, f"?workflow_id={three['b'].id}") == [("b", "BUY")]
    assert _latest(api, "?limit=1") == [("a", "SELL")]
    body = api.get("/api/workflow/orders?limit=1").json()
    assert (body["total_count"], body["limit"]) == (2, 1)
    for item in body["orders"]:
        assert_matches("WorkflowOrderListItem", item)


def test_latest_includes_archived_workflows(api: Client, three) -> None:
    api.delete(f"/api/workflow/workflows/{three['b'].id}")
    assert ("b", "BUY") in _latest(api)


@pytest.mark.parametrize(
    "query,field",
    [("?limit=0", "limit"), ("?limit=101", "limit"), ("?direction=up", "direction"),
     ("?workflow_id=42", "workflow_id")],
)
def test_latest_rejects_bad_filters(api: Client, query: str, field: str) -> None:
    response = api.get(f"/api/workflow/orders{query}")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


def test_csv_export_has_the_same_rows_as_the_list(api: Client, three) -> None:
    response = api.get("/api/workflow/orders/export.csv?direction=BUY")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["workflow_name"], r["order_direction"], r["order_price"]) for r in rows] == [
        ("b", "BUY", "7850.25"),
    ]
    assert rows[0]["placed_at"].endswith("Z")


def test_csv_export_defuses_spreadsheet_formulas(api: Client, make_workflow, order_store) -> None:
    wf = make_workflow(name="=HYPERLINK(1)")
    _seed(wf, 1)
    text = api.get("/api/workflow/orders/export.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["workflow_name"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(("name", "expected"), [
    ("x;=cmd|' /C calc'!A0", "x;'=cmd|' /C calc'!A0"),
    ("a,+1", "a,'+1"),
    ("a; @SUM(1)", "a; '@SUM(1)"),
    ("-2+3", "'-2+3"),
    ("plain name - with dash", "plain name - with dash"),
])
def test_csv_export_defuses_formulas_after_any_separator(
    api: Client, make_workflow, order_store, name: str, expected: str
) -> None:
    wf = make_workflow(name=name)
    _seed(wf, 1)
    text = api.get("/api/workflow/orders/export.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["workflow_name"] == expected


# --- store down --------------------------------------------------------------------------------


def test_with_the_store_down_order_endpoints_answer_503_not_empty(
    api: Client, make_workflow, order_store
) -> None:
    wf = make_workflow()
    _seed(wf, 1)
    order_store.stop()
    urls = [
        f"/api/workflow/workflows/{wf.id}/orders",
        "/api/workflow/orders",
        "/api/workflow/orders/export.csv",
        f"/api/workflow/orders/{UNKNOWN}",
        "/api/workflow/workflows",
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 503, url
        detail = response.json()["detail"]
        assert detail.startswith("Order history store unavailable"), detail
        assert "Traceback" not in detail
    # Pages that need no order still work.
    assert api.get(f"/api/workflow/workflows/{wf.id}").status_code == 200


def test_a_store_that_hangs_resets_throttles_or_fails_answers_503_everywhere(
    api: Client, client: Client, make_workflow, broken_store
) -> None:
    wf = make_workflow()
    for url in (f"/api/workflow/workflows/{wf.id}/orders",  # the Query and the COUNT query
                "/api/workflow/orders", f"/api/workflow/orders/{UNKNOWN}"):
        response = api.get(url)
        assert response.status_code == 503, (url, response.content[:200])
        assert response.json()["detail"].startswith("Order history store unavailable")
    assert client.get("/healthz").status_code == 503


def test_healthz_names_the_order_store_when_it_is_down(client: Client, order_store) -> None:
    order_store.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["detail"] == "down: order_store"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["order_store"].startswith("down: the order store did not answer")
    assert "127.0.0.1" not in response.content.decode()  # no login here: no internals
    order_store.start()
    assert client.get("/healthz").status_code == 200


def test_healthz_names_the_database_when_it_is_down(
    client: Client, order_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from korder_site import health

    def broken() -> None:
        raise OperationalError("database is locked")

    monkeypatch.setitem(health.CHECKS, "database", (broken, (OperationalError,)))
    body = client.get("/healthz").json()
    assert body["detail"] == "down: database"
    # /healthz needs no login: it names what is down, not hosts or paths (those are logged)
    assert body["checks"]["database"] == "down: OperationalError"


def test_contract_check_catches_a_wrong_shape() -> None:
    """Guard: the contract validator really validates (an epoch-seconds placed_at fails)."""
    bad = {"id": UNKNOWN, "workflow_id": UNKNOWN, "placed_at": 1771770600, "order_code": "X",
           "order_price": 1.0, "order_quantity": 1.0, "order_direction": "BUY"}
    with pytest.raises(jsonschema.ValidationError):
        assert_matches("WorkflowOrderListItem", bad)
