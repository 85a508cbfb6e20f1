"""Workflows API: list (filters, sort, pagination), detail, create/replace/archive, asset
lookup, indicator types, and the status + field-level message of every bad input."""

from __future__ import annotations

from datetime import UTC

import pytest
from django.test import Client

from tests.api.conftest import definition
from workflows.models import Workflow

pytestmark = pytest.mark.django_db

URL = "/api/workflow/workflows"
UNKNOWN = "0ff85e08-6908-4ddc-b53d-7be6bcb2eac9"


def _fields(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["detail"]}


# --- create / read / replace / archive -----------------------------------------------------


def test_create_returns_201_with_the_stored_definition(api: Client) -> None:
    response = api.post(URL, definition(), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "dax ma50 h4 below"
    assert body["conditions"][0]["close"] == {"direction": "below", "ut": "h1", "spread": 20}
    assert body["trigger"]["quantity"] == 0.1  # a JSON number, not a string
    assert body["tradingview_url"] == "https://www.tradingview.com/chart/?symbol=EURONEXT:DAX.I"
    assert body["created_at"].endswith("Z")
    assert Workflow.objects.get(id=body["id"]).name == body["name"]


def test_create_accepts_enum_values_in_any_case_and_the_enable_alias(api: Client) -> None:
    body = definition(enable=False, conditions=[{
        "indicator": {"name": "ZONE", "ut": "Daily", "value": 12, "zone_value": 10},
        "close": {"direction": "ABOVE", "ut": "H1"},
    }])
    del body["enabled"]
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["enabled"] is False
    assert out["conditions"][0]["indicator"] | {} == {
        "name": "zone", "ut": "daily", "value": 10, "zone_value": 12, "x1": None, "x2": None,
    }


def test_missing_trigger_gets_the_default_rule(api: Client) -> None:
    body = definition()
    del body["trigger"]
    trigger = api.post(URL, body, content_type="application/json").json()["trigger"]
    got = (trigger["location"], trigger["order_direction"], trigger["quantity"])
    assert got == ("lower", "sell", 0.1)


def test_a_workflow_created_through_the_api_is_a_dry_run_unless_it_says_otherwise(
    api: Client,
) -> None:
    """SPEC §7/§13: the original API's default; only `dry_run: false` makes it live."""
    body = definition(name="no mode given")
    del body["dry_run"]

    created = api.post(URL, body, content_type="application/json").json()
    live = api.post(URL, definition(name="live", dry_run=False),
                    content_type="application/json").json()
    body["name"] = "live"
    replaced = api.put(f"{URL}/{live['id']}", body, content_type="application/json").json()

    assert created["dry_run"] is True
    assert Workflow.objects.get(name="no mode given").dry_run is True
    assert live["dry_run"] is False
    assert replaced["dry_run"] is True  # a full replacement that omits it is a dry run too


@pytest.mark.parametrize(
    "overrides,field,words",
    [
        ({"name": "   "}, "name", "at least 1 character"),
        ({"end_date": "2026-02-30"}, "end_date", "not a real date"),
        ({"conditions": []}, "conditions", "at least 1 item"),
        ({"index": None}, "index", "valid string"),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
        ({"conditions": [{"indicator": {"name": "polarite", "ut": "h1"},
                          "close": {"direction": "below", "ut": "h1"}}]},
         "conditions[0].indicator", "value is required for a polarite indicator"),
        ({"conditions": [{"indicator": {"name": "ma50", "ut": "h2"},
                          "close": {"direction": "below", "ut": "h1", "spread": -1}}]},
         "conditions[0].indicator.ut", "Input should be"),
        ({"trigger": {"ut": "h1", "location": "lower", "order_direction": "sell", "quantity": 0}},
         "trigger.quantity", "greater than 0"),
    ],
)
def test_an_invalid_body_gets_422_naming_the_field(
    api: Client, overrides: dict, field: str, words: str
) -> None:
    response = api.post(URL, definition(**overrides), content_type="application/json")
    assert response.status_code == 422
    fields = _fields(response)
    assert field in fields, fields
    assert words in fields[field]
    assert all(e["location"] == "body" for e in response.json()["detail"])
    assert not Workflow.objects.exists()


@pytest.mark.parametrize(
    "trigger_quantity,message",
    [(1e16, "must be less than 1E+16"), (0.000000001, "at most 8 decimal places")],
)
def test_numbers_the_database_cannot_hold_get_422_not_500(
    api: Client, trigger_quantity: float, message: str
) -> None:
    trigger = {
        "ut": "h1", "location": "lower", "order_direction": "sell", "quantity": trigger_quantity,
    }
    response = api.post(URL, definition(trigger=trigger), content_type="application/json")
    assert response.status_code == 422
    assert message in _fields(response)["trigger.quantity"]
    assert not Workflow.objects.exists()


def test_a_body_that_is_not_an_object_gets_422_and_broken_json_400(api: Client) -> None:
    assert api.post(URL, [1, 2], content_type="application/json").status_code == 422
    response = api.post(URL, "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


def test_a_name_already_in_use_gets_409(api: Client, make_workflow) -> None:
    make_workflow()
    response = api.post(URL, definition(name="DAX MA50 H4 BELOW"), content_type="application/json")
    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


def test_detail_returns_the_full_definition(api: Client, make_workflow) -> None:
    wf = make_workflow(index="NKE:xnys", cfd="NKE:xnys", end_date="2026/12/31")
    body = api.get(f"{URL}/{wf.id}").json()
    assert body["id"] == str(wf.id)
    assert body["end_date"] == "2026-12-31"
    assert body["tradingview_url"] == "https://www.tradingview.com/chart/?symbol=NYSE:NKE"
    assert body["archived_at"] is None


@pytest.mark.parametrize(
    "index,symbol",
    [("MC:xpar", "EURONEXT:MC"), ("AAPL:xnas", "NASDAQ:AAPL"), ("VOD:xlon", "LSE:VOD"),
     ("SAP:xetr", "XETR:SAP"), ("BMW:xfra", "FWB:BMW"), ("itp:xpar", "EURONEXT:ITP"),
     ("DAX.I", "EURONEXT:DAX.I"), ("X:xtse", "EURONEXT:X")],
)
def test_tradingview_url_follows_the_exchange_map(
    api: Client, make_workflow, index: str, symbol: str
) -> None:
    wf = make_workflow(index=index)
    url = api.get(f"{URL}/{wf.id}").json()["tradingview_url"]
    assert url == f"https://www.tradingview.com/chart/?symbol={symbol}"


def test_unknown_or_malformed_ids_get_404_or_422(api: Client) -> None:
    for method in ("get", "delete"):
        response = getattr(api, method)(f"{URL}/{UNKNOWN}")
        assert response.status_code == 404
        assert response.json() == {"detail": f"Workflow with id {UNKNOWN} not found"}
    response = api.put(f"{URL}/{UNKNOWN}", definition(), content_type="application/json")
    assert response.status_code == 404
    response = api.get(f"{URL}/not-a-uuid")
    assert response.status_code == 422
    assert _fields(response)["workflow_id"].startswith("Input should be a valid UUID")


def test_replace_keeps_id_and_created_at(api: Client, make_workflow) -> None:
    wf = make_workflow()
    body = definition(name="renamed", dry_run=True)
    response = api.put(f"{URL}/{wf.id}", body, content_type="application/json")
    assert response.status_code == 200
    out = response.json()
    assert (out["id"], out["name"], out["dry_run"]) == (str(wf.id), "renamed", True)
    wf.refresh_from_db()
    assert wf.name == "renamed"
    assert out["created_at"] == wf.created_at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] + "Z"


def test_replace_validates_like_create(api: Client, make_workflow) -> None:
    wf = make_workflow()
    make_workflow(name="other")
    bad = api.put(f"{URL}/{wf.id}", definition(cfd=""), content_type="application/json")
    assert bad.status_code == 422 and "cfd" in _fields(bad)
    taken = api.put(f"{URL}/{wf.id}", definition(name="other"), content_type="application/json")
    assert taken.status_code == 409


def test_delete_archives_with_204_and_is_idempotent(api: Client, make_workflow) -> None:
    wf = make_workflow()
    assert api.delete(f"{URL}/{wf.id}").status_code == 204
    assert api.delete(f"{URL}/{wf.id}").status_code == 204
    wf.refresh_from_db()
    assert wf.archived_at is not None and wf.enabled is False
    assert api.get(f"{URL}/{wf.id}").json()["archived_at"] is not None


# --- list ----------------------------------------------------------------------------------


@pytest.fixture
def four(make_workflow) -> list[Workflow]:
    polarite = [{"indicator": {"name": "polarite", "ut": "daily", "value": 7},
                 "close": {"direction": "above", "ut": "h1"}}]
    return [
        make_workflow(name="alpha", index="DAX.I", end_date="2026-05-01"),
        make_workflow(name="bravo", index="CAC.I", dry_run=True, conditions=polarite),
        make_workflow(name="charlie", index="ITP:xpar", enabled=False, end_date="2026-03-01"),
        make_workflow(name="delta", index="DAX.I", dry_run=True),
    ]


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [w["name"] for w in response.json()["workflows"]]


LIST_CASES = [
    ("", ["alpha", "bravo", "charlie", "delta"]),
    ("?enabled=true", ["alpha", "bravo", "delta"]),
    ("?enabled=false", ["charlie"]),
    ("?dry_run=true", ["bravo", "delta"]),
    ("?dry_run=false&enabled=true", ["alpha"]),
    ("?index=dax", ["alpha", "delta"]),
    ("?indicator=POLARITE", ["bravo"]),
    ("?sort=name&order=desc", ["delta", "charlie", "bravo", "alpha"]),
    ("?sort=index", ["bravo", "alpha", "delta", "charlie"]),
    ("?sort=end_date&order=desc", ["alpha", "charlie", "delta", "bravo"]),
    ("?per_page=3&page=2", ["delta"]),
    ("?page=9", []),
]


def test_list_filters_sorts_and_paginates(api: Client, four, order_store) -> None:
    # One test (one order table) for all cases: creating a table per case costs ~1 s.
    got = {query: _names(api.get(URL + query)) for query, _ in LIST_CASES}
    assert got == dict(LIST_CASES)


def test_list_counts_and_summaries(api: Client, four, order_store) -> None:
    api.delete(f"{URL}/{four[0].id}")
    body = api.get(URL + "?per_page=2").json()
    counts = [body[key] for key in ("total", "matched", "page", "per_page", "total_pages")]
    assert counts == [3, 3, 1, 2, 2]
    first = body["workflows"][0]
    assert first["name"] == "bravo"
    assert (first["primary_indicator"], first["primary_unit_time"]) == ("polarite", "daily")
    assert first["last_order"] is None
    archived = api.get(URL + "?archived=true").json()["workflows"]
    assert [w["name"] for w in archived] == ["alpha"] and archived[0]["archived"] is True


@pytest.mark.parametrize(
    "query,field",
    [("?per_page=101", "per_page"), ("?per_page=0", "per_page"), ("?page=0", "page"),
     ("?page=x", "page"), ("?sort=price", "sort"), ("?order=up", "order"),
     ("?indicator=rsi", "indicator"), ("?enabled=maybe", "enabled")],
)
def test_list_rejects_bad_parameters_with_422(api: Client, query: str, field: str) -> None:
    response = api.get(URL + query)
    assert response.status_code == 422
    assert field in _fields(response)
    assert response.json()["detail"][0]["location"] == "query"


# --- asset lookup and indicator types ------------------------------------------------------


def test_asset_lookup_matches_index_by_code_or_symbol_case_insensitively(
    api: Client, make_workflow
) -> None:
    make_workflow(name="a", index="DAX.I")
    make_workflow(name="b", index="DAX.I", enabled=False)
    make_workflow(name="c", index="ITP:xpar")
    make_workflow(name="d", index="CAC.I")
    body = api.get("/api/workflow/asset?code=DAX.I&country_code=xpar&force_from_disk=1").json()
    assert (body["asset_symbol"], body["total"]) == ("DAX.I:xpar", 2)
    assert body["workflows"][0]["enabled"] is True and body["workflows"][0]["dry_run"] is False
    assert [w["name"] for w in api.get("/api/workflow/asset?code=ITP").json()["workflows"]] == ["c"]
    assert api.get("/api/workflow/asset?code=dax.i").json()["total"] == 2
    no_country = api.get("/api/workflow/asset?code=DAX.I&country_code=").json()
    assert no_country["asset_symbol"] == "DAX.I"


def test_asset_lookup_needs_a_code(api: Client) -> None:
    for query in ("", "?code="):
        response = api.get("/api/workflow/asset" + query)
        assert response.status_code == 422
        assert "code" in _fields(response)


def test_asset_lookup_projects_an_inclined_line_to_today(
    api: Client, make_workflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Reference §9.4: (2024-01-01, 100) -> (2024-01-05, 108) seen on 2024-01-08 -> 110.
    from datetime import datetime

    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2024, 1, 8, 12, tzinfo=UTC))
    make_workflow(name="rob", index="MC:xpar", conditions=[{
        "indicator": {"name": "inclined", "ut": "daily",
                      "x1": {"date": "2024-01-01", "price": 100},
                      "x2": {"date": "2024-01-05", "price": 108}},
        "close": {"direction": "below", "ut": "h1"},
    }])
    make_workflow(name="ma", index="MC:xpar")
    rows = {w["name"]: w for w in api.get("/api/workflow/asset?code=MC").json()["workflows"]}
    assert rows["rob"]["conditions"][0]["indicator"]["current_value"] == pytest.approx(110.0)
    assert rows["ma"]["conditions"][0]["indicator"]["current_value"] is None
    assert rows["rob"]["trigger"]["unit_time"] == "h1"


def test_indicator_types_list_values_and_labels_in_order(api: Client) -> None:
    assert api.get("/api/workflow/indicator-types").json() == [
        {"value": "ma7", "label": "MM7"}, {"value": "ma50", "label": "MA50"},
        {"value": "combo", "label": "COMBO"}, {"value": "bbb", "label": "BBB"},
        {"value": "bbh", "label": "BBH"}, {"value": "polarite", "label": "POL (Polarité)"},
        {"value": "zone", "label": "ZONE"}, {"value": "inclined", "label": "Inclined (ROB/SOH)"},
    ]


def test_list_shows_and_sorts_by_last_order(api: Client, four, order_store) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from orders import services
    from tests.fixtures.order_store import make_order_record

    now = timezone.now()
    seeds = ((four[2], 50, "BUY"), (four[0], 5, "SELL"), (four[0], 90, "BUY"))
    for workflow, minutes, side in seeds:
        services.record_order(record=make_order_record(
            workflow_id=str(workflow.id), placed_at=now - timedelta(minutes=minutes),
            order_direction=side, order_price=Decimal("7850.25"),
        ))
    newest_first = api.get(URL + "?sort=last_order&order=desc").json()["workflows"]
    # Workflows without an order come last (ties broken by name, in the same direction).
    assert [w["name"] for w in newest_first] == ["alpha", "charlie", "delta", "bravo"]
    last = newest_first[0]["last_order"]
    got = (last["order_direction"], last["order_price"], last["order_type"])
    assert got == ("SELL", 7850.25, "OPEN_STOP")
    assert last["placed_at"].endswith("Z")
    assert [w["name"] for w in api.get(URL + "?sort=last_order").json()["workflows"]][-2:] == [
        "charlie", "alpha",
    ]


def test_a_huge_bad_input_is_not_echoed_back_whole(api: Client) -> None:
    response = api.post(URL, definition(name="x" * 5000), content_type="application/json")
    assert response.status_code == 422
    assert len(_fields(response)["name"]) < 300
