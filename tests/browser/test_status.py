"""/status/ in a real browser: a late runner in red, an on-time one green, markets listed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflows.models import EngineRun, RunnerHeartbeat

from .test_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RED = "rgb(186, 33, 33)"


def loop_runner(*, beat_age: timedelta) -> None:
    now = datetime.now(UTC)
    EngineRun.objects.create(started_at=now - timedelta(minutes=2), evaluated_at=now,
                             finished_at=now - timedelta(minutes=1), source="loop",
                             host="engine-1", summary={"evaluated": 5, "triggered": 1,
                                                       "placed": 1, "skipped": 4, "failed": 0})
    RunnerHeartbeat.objects.create(host="engine-1", pid=4242, started_at=now - timedelta(hours=1),
                                   beat_at=now - beat_age)


def test_status_shows_a_late_runner_in_red(page, live_server, trader, order_store, screenshot):
    loop_runner(beat_age=timedelta(seconds=70))  # killed: no beat for more than a minute

    log_in(page, live_server, "/status/")

    runner = page.locator("[data-runner-state]")
    assert runner.get_attribute("data-runner-state") == "late"
    assert "Runner late" in runner.inner_text() and "stopped beating" in runner.inner_text()
    assert runner.evaluate("e => getComputedStyle(e).backgroundColor") == RED
    assert page.locator("[data-market]").count() == 2
    assert "evaluated 5 / triggered 1 / placed 1" in page.locator("[data-run-summary]").inner_text()
    screenshot(page, "status-late")
    assert page.watch.errors == []


def test_status_shows_a_beating_runner_on_time(page, live_server, trader, order_store):
    loop_runner(beat_age=timedelta(seconds=5))

    log_in(page, live_server, "/workflows/")
    page.click("nav >> text=Status")

    runner = page.locator("[data-runner-state]")
    assert runner.get_attribute("data-runner-state") == "ok"
    assert runner.evaluate("e => getComputedStyle(e).backgroundColor") != RED
    assert page.locator('nav a[aria-current="page"]').inner_text() == "Status"
    assert page.watch.errors == []
