"""GET /api/workflow/blotter (+ its CSV) and the history's `before` paging, against a real
local store: every order once, filters, cursor tampering, streamed CSV, 503, OpenAPI."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone

from orders import services
from tests.api.contract import assert_matches
from tests.fixtures.order_store import make_order_record
from workflows.models import Workflow

pytestmark = pytest.mark.django_db


def _seed(workflow: Workflow, minutes: float, **fields):
    record = make_order_record(
        workflow_id=str(workflow.id), workflow_name=workflow.name, order_code=workflow.cfd,
        placed_at=timezone.now() - timedelta(minutes=minutes), **fields)
    assert services.record_order(record=record) == "stored"
    return record


@pytest.fixture
def two(make_workflow, order_store):
    """Two workflows with 13 orders over 4 days: dry runs, BUYs, a broker id, a formula name."""
    a = make_workflow(name="=HYPERLINK(1)")
    b = make_workflow(name="b", index="SPX.I", cfd="US500.I")
    records = [_seed(a if n % 2 else b, 60 * 7 * n + 1, dry_run=n % 3 == 0,
                     order_direction="BUY" if n % 4 == 0 else "SELL",
                     broker_order_id="5001" if n == 5 else None) for n in range(13)]
    return a, b, sorted(records, key=lambda r: r.placed_at, reverse=True)


def _pages(api: Client, url: str, key: str, param: str) -> list[dict]:
    seen, cursor = [], None
    for _ in range(50):
        glue = "&" if "?" in url else "?"
        response = api.get(url + (f"{glue}{param}={cursor}" if cursor else ""))
        assert response.status_code == 200, response.content
        body = response.json()
        seen += body["orders"]
        cursor = body[key]
        if cursor is None:
            return seen
    raise AssertionError("paging did not end")


def test_blotter_pages_through_every_order_newest_first(api: Client, two) -> None:
    _, _, records = two

    seen = _pages(api, "/api/workflow/blotter?limit=4", "next_cursor", "cursor")

    assert [o["id"] for o in seen] == [r.id for r in records]
    first = seen[0]
    assert {"workflow_name", "dry_run", "broker", "broker_order_id", "status"} <= set(first)
    assert first["placed_at"].endswith("Z")
    assert [o["status"] for o in seen] == [
        "dry_run" if r.dry_run else "notified" for r in records]


@pytest.mark.parametrize(("query", "keep"), [
    ("direction=buy", lambda r, a: r.order_direction == "BUY"),
    ("live=false", lambda r, a: r.dry_run),
    ("live=true&asset=us500.i", lambda r, a: not r.dry_run and r.order_code == "US500.I"),
    ("status=notified", lambda r, a: not r.dry_run),
    ("workflow_id={a}", lambda r, a: r.workflow_id == str(a.id)),
])
def test_blotter_filters_on_the_server(api: Client, two, query, keep) -> None:
    a, _, records = two
    url = f"/api/workflow/blotter?limit=2&{query.format(a=a.id)}"

    seen = _pages(api, url, "next_cursor", "cursor")

    assert [o["id"] for o in seen] == [r.id for r in records if keep(r, a)]


@pytest.mark.parametrize(("query", "field"), [
    ("cursor=not-a-cursor", "cursor"),
    ("status=sold", "status"),
    ("direction=UP", "direction"),
    ("limit=500", "limit"),
    ("since=yesterday", "since"),
])
def test_blotter_rejects_bad_input_naming_the_field(api: Client, two, query, field) -> None:
    response = api.get(f"/api/workflow/blotter?{query}")

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


def test_a_tampered_cursor_is_422_not_a_500(api: Client, two) -> None:
    cursor = api.get("/api/workflow/blotter?limit=2").json()["next_cursor"]
    workflow_id, rest = cursor.split(":", 1)
    forged = ("A" if workflow_id[0] != "A" else "B") + cursor[1:]

    response = api.get(f"/api/workflow/blotter?limit=2&cursor={forged}")

    assert response.status_code == 422
    assert "cursor" in response.json()["detail"][0]["message"]


def test_blotter_csv_streams_every_filtered_row_with_formulas_defused(api: Client, two) -> None:
    a, _, records = two

    response = api.get(f"/api/workflow/blotter/export.csv?workflow_id={a.id}&limit=1")

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["id"] for r in rows] == [r.id for r in records if r.workflow_id == str(a.id)]
    assert {r["workflow_name"] for r in rows} == {"'=HYPERLINK(1)"}
    assert {r["status"] for r in rows} == {"notified", "dry_run"}


def test_blotter_and_its_csv_answer_503_when_the_store_is_down(api: Client, two,
                                                                order_store) -> None:
    order_store.stop()
    for url in ("/api/workflow/blotter", "/api/workflow/blotter/export.csv"):
        response = api.get(url)
        assert response.status_code == 503, url
        assert response.json()["detail"].startswith("Order history store unavailable")


def test_blotter_needs_authentication(client: Client, two) -> None:
    assert client.get("/api/workflow/blotter").status_code == 401


# --- per-workflow history: before / next_before -----------------------------------------------


def test_history_pages_with_before_reach_every_order_once_incl_same_second(
    api: Client, make_workflow, order_store
) -> None:
    wf = make_workflow()
    second = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    records = []
    for k in range(4):  # four orders in one second
        record = make_order_record(workflow_id=str(wf.id), placed_at=second.replace(
            microsecond=k * 1000))
        assert services.record_order(record=record) == "stored"
        records.append(record)
    records += [_seed(wf, 10 * n + 1, broker_order_id=f"90{n}") for n in range(7)]
    expected = sorted(records, key=lambda r: r.placed_at, reverse=True)

    seen = _pages(api, f"/api/workflow/workflows/{wf.id}/orders?limit=3", "next_before",
                  "before")

    assert [o["id"] for o in seen] == [r.id for r in expected]
    for item in seen:
        assert_matches("WorkflowOrderListItem", item)
        assert {"dry_run", "broker", "broker_order_id", "status"} <= set(item)


def test_history_keeps_the_contract_and_says_next_before(api: Client, make_workflow,
                                                          order_store) -> None:
    wf = make_workflow()
    first, second = _seed(wf, 5), _seed(wf, 50)

    body = api.get(f"/api/workflow/workflows/{wf.id}/orders?limit=1").json()

    assert_matches("WorkflowOrderHistoryResponse", body)
    assert [o["id"] for o in body["orders"]] == [first.id]
    assert body["total_count"] == 2
    assert body["next_before"].endswith("Z")
    older = api.get(f"/api/workflow/workflows/{wf.id}/orders?limit=1&before="
                    f"{body['next_before'].replace('+', '%2B')}").json()
    assert [o["id"] for o in older["orders"]] == [second.id]
    assert older["next_before"] is None


def test_history_rejects_a_bad_before(api: Client, make_workflow, order_store) -> None:
    wf = make_workflow()

    response = api.get(f"/api/workflow/workflows/{wf.id}/orders?before=soon")

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "before"


def test_openapi_documents_the_additions(api: Client) -> None:
    spec = api.get("/api/openapi.json").json()
    history = spec["paths"]["/api/workflow/workflows/{workflow_id}/orders"]["get"]
    assert "before" in {p["name"] for p in history["parameters"]}
    schemas = spec["components"]["schemas"]
    assert "next_before" in schemas["OrderHistoryOut"]["properties"]
    assert {"broker", "broker_order_id", "status"} <= set(
        schemas["OrderListItemOut"]["properties"])
    blotter = spec["paths"]["/api/workflow/blotter"]["get"]
    assert {"since", "until", "workflow_id", "asset", "direction", "status", "live", "cursor",
            "limit"} <= {p["name"] for p in blotter["parameters"]}
