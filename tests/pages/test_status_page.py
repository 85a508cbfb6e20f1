"""/status/, GET /api/workflow/status and /healthz's `runner` (SPEC §7, §8, §12)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from orders.models import OutboxRecord
from workflows.models import EngineRun

pytestmark = pytest.mark.django_db


def ran_just_now(**fields) -> EngineRun:
    now = datetime.now(UTC)
    return EngineRun.objects.create(
        started_at=now, finished_at=now + timedelta(seconds=3), evaluated_at=now,
        source="loop", host="engine-1",
        summary={"evaluated": 48, "triggered": 3, "placed": 2, "skipped": 45, "failed": 1,
                 "stopped": False}, **fields)


def test_the_status_page_shows_the_last_run_and_its_summary(trader_client, order_store):
    ran_just_now()

    page = trader_client.get("/status/").content.decode()

    assert 'data-runner-state="ok"' in page and "Runner on time" in page
    assert "evaluated 48 / triggered 3 / placed 2 / skipped 45 / failed 1" in page
    assert "engine-1" in page and 'data-next-slot' in page
    assert 'data-market="eu"' in page and 'data-market="us"' in page
    assert "Notify only — no broker orders" in page
    assert 'data-store="up"' in page and "0 records waiting" in page
    assert 'aria-current="page">Status</a>' in page


def test_the_status_page_shows_a_late_runner_in_red(trader_client, order_store):
    EngineRun.objects.create(started_at=datetime(2026, 1, 5, 9, 1, tzinfo=UTC),
                             evaluated_at=datetime(2026, 1, 5, 9, 1, tzinfo=UTC),
                             source="loop", host="engine-1")

    page = trader_client.get("/status/").content.decode()

    assert 'class="korder-runner korder-runner-late"' in page
    assert "Runner late" in page and "no run since the" in page


def test_the_status_page_says_when_the_store_is_down_and_the_backlog(trader_client,
                                                                     order_store):
    now = datetime.now(UTC)
    OutboxRecord.objects.create(order_id="6a1c2b7e-0000-4000-8000-000000000001",
                                workflow_id="w", workflow_name="w", placed_at=now, payload={},
                                created_at=now)
    order_store.stop()

    response = trader_client.get("/status/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-store="down"' in page and "1 record waiting" in page


def test_the_status_page_needs_a_login(order_store):
    response = Client().get("/status/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_status_api_answers_the_same(trader_client, order_store):
    run = ran_just_now()

    body = trader_client.get("/api/workflow/status").json()

    assert body["runner"]["state"] == "ok" and body["runner"]["late"] is False
    assert body["runner"]["last_run"]["summary"]["placed"] == 2
    assert body["runner"]["last_run"]["host"] == "engine-1"
    assert body["runner"]["last_run"]["started_at"].startswith(
        run.started_at.strftime("%Y-%m-%dT%H:%M:%S"))
    assert body["runner"]["next_slot"].endswith(("01:00Z", "31:00Z"))
    assert {m["market"] for m in body["markets"]} == {"eu", "us"}
    assert all(isinstance(m["open"], bool) for m in body["markets"])
    assert body["broker"] == {"mode": "notify", "label": "Notify only — no broker orders",
                              "environment": None, "token_expires_at": None,
                              "refresh_expires_at": None, "token_note": ""}
    assert body["order_store"] == {"up": True, "detail": "answering", "outbox_pending": 0}


def test_the_status_api_needs_authentication(order_store):
    assert Client().get("/api/workflow/status").status_code == 401


def test_healthz_reports_a_late_runner_but_stays_up_unless_strict(order_store):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["runner"]["state"] == "late"

    strict = Client().get("/healthz?strict=1")
    assert strict.status_code == 503 and strict.json()["detail"] == "down: runner"


def test_healthz_strict_is_200_with_a_runner_on_time(order_store):
    ran_just_now()
    response = Client().get("/healthz?strict=1")
    assert response.status_code == 200
    assert response.json()["runner"]["state"] == "ok"
