"""No page and no API path ever scans the order table (SPEC §6.3): every GET route of the API
(from its OpenAPI document) and of the pages (from the URL configuration) is requested with
real ids and a few filter variants, counting the DynamoDB calls at the local store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone

from orders import services
from tests.fixtures.order_store import make_order_record
from workflows import urls as page_urls

pytestmark = pytest.mark.django_db

EXTRA = [  # filter and paging variants of the routes below
    "/api/workflow/blotter?direction=BUY&live=true&status=notified&asset=GER40.I&limit=1",
    "/api/workflow/blotter?workflow_id={workflow_id}",
    "/api/workflow/blotter/export.csv?live=false",
    "/api/workflow/workflows/{workflow_id}/orders?limit=1&before={before}",
    "/api/workflow/workflows?sort=last_order",
    "/api/workflow/orders?direction=SELL&asset=GER40.I",
    "/blotter/?day={day}&mode=live&status=notified&direction=SELL",
    "/workflows/?sort=last_order&order=desc",
    "/workflow-orders/?direction=SELL",
    "/workflows/{workflow_id}/orders/?before={before}",
]


@pytest.fixture
def trader_client(client: Client, user) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def seeded(make_workflow, order_store):
    workflow = make_workflow()
    now = timezone.now()
    records = [make_order_record(workflow_id=str(workflow.id), workflow_name=workflow.name,
                                 placed_at=now - timedelta(hours=h)) for h in (1, 30, 60)]
    for record in records:
        assert services.record_order(record=record) == "stored"
    return {"workflow_id": str(workflow.id), "order_id": records[0].id,
            "broker_order_id": "5001",
            "before": records[0].placed_at.isoformat().replace("+", "%2B"),
            "day": records[1].placed_at.date().isoformat()}


def api_get_paths(client: Client, ids: dict) -> list[str]:
    spec = client.get("/api/openapi.json").json()
    return [path.format(**ids) for path, ops in spec["paths"].items() if "get" in ops]


def page_paths(ids: dict) -> list[str]:
    paths = []
    for pattern in page_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {name: ids[name] for name in pattern.pattern.converters}
        paths.append(reverse(f"workflows:{pattern.name}", kwargs=kwargs))
    return paths + ["/healthz"]


def test_no_page_or_api_path_scans_the_order_table(
    trader_client, seeded, order_store, settings, monkeypatch
) -> None:
    settings.KORDER_MARKET_DATA = "csv"  # the chart reads bars from files, not Saxo
    paths = api_get_paths(trader_client, seeded) + page_paths(seeded)
    paths += [extra.format(**seeded) for extra in EXTRA]
    assert len(paths) > 25

    answered = {}
    for path in paths:
        order_store.reset_requests()
        response = trader_client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        answered[path] = response.status_code
        assert order_store.request_count("Scan") == 0, f"GET {path} scanned the order table"
        assert order_store.request_count("BatchWriteItem") == 0, path
    assert all(status < 500 for status in answered.values()), answered
    assert sum(status == 200 for status in answered.values()) > 20, answered


def test_the_check_itself_catches_a_scan(trader_client, seeded, order_store) -> None:
    services.purge_expired_orders(now=timezone.now())  # maintenance: it does scan

    assert order_store.request_count("Scan") >= 1
