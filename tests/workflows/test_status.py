"""Engine status (SPEC §12): when the runner is late, which markets are open, broker mode."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from workflows.core.types import Market
from workflows.models import EngineRun, RunnerHeartbeat
from workflows.status import broker_status, market_status, runner_status

pytestmark = pytest.mark.django_db
TUESDAY = datetime(2026, 2, 17, tzinfo=UTC)


def at(hh_mm: str, day: datetime = TUESDAY, seconds: int = 0) -> datetime:
    hour, minute = (int(p) for p in hh_mm.split(":"))
    return day.replace(hour=hour, minute=minute, second=seconds)


def ran(started: datetime, source: str = "loop") -> None:
    EngineRun.objects.create(started_at=started, finished_at=started + timedelta(seconds=20),
                             evaluated_at=started, source=source, host="h1")


def beat(when: datetime, *, stopped: bool = False) -> None:
    RunnerHeartbeat.objects.create(host="h1", pid=42, started_at=when - timedelta(hours=1),
                                   beat_at=when, stopped_at=when if stopped else None)


@pytest.mark.parametrize(
    ("runs", "now", "late", "reason"),
    [
        ([(at("10:31", seconds=4), "loop")], at("10:40"), False, "on time"),
        ([(at("10:31", seconds=4), "once")], at("10:40"), False, "on time"),  # cron
        ([(at("10:01"), "loop")], at("10:36", seconds=30), True, "no run since the Tue 10:31"),
        ([(at("10:01"), "loop")], at("10:35"), False, "on time"),  # within 5 minutes of 10:31
        ([], at("10:40"), True, "no engine run recorded yet"),
        ([(at("10:31"), "replay"), (at("10:32"), "run_now"), (at("10:01"), "loop")],
         at("10:40"), True, "no run since"),  # replays and Run now do not count
        ([(at("23:31", TUESDAY + timedelta(days=3)), "loop")],
         at("12:00", TUESDAY + timedelta(days=4)), False, "on time"),  # Friday -> Saturday
    ],
)
def test_the_runner_is_late_when_a_due_slot_passed_without_a_run(runs, now, late, reason):
    for started, source in runs:
        ran(started, source)

    status = runner_status(now)

    assert status.late is late
    assert status.reason.startswith(reason)


@pytest.mark.parametrize(
    ("beat_age", "stopped", "run_after_beat", "late"),
    [
        (timedelta(seconds=25), False, False, False),
        (timedelta(seconds=60), False, False, True),  # killed: stale within a minute
        (timedelta(minutes=3), True, False, False),  # stopped cleanly
        (timedelta(minutes=3), False, True, False),  # a cron run took over after it
    ],
)
def test_a_stale_loop_heartbeat_makes_the_runner_late_at_once(beat_age, stopped,
                                                             run_after_beat, late):
    now = at("10:45")
    ran(at("10:31"))
    beat(now - beat_age, stopped=stopped)
    if run_after_beat:
        ran(now - timedelta(seconds=10), "once")

    status = runner_status(now)

    assert status.late is late
    if late:
        assert "stopped beating 60 s ago" in status.reason


def test_next_and_due_slots_are_weekday_01_and_31():
    status = runner_status(at("23:40", TUESDAY + timedelta(days=3)))  # a Friday night
    assert status.next_slot == datetime(2026, 2, 23, 0, 1, tzinfo=UTC)  # Monday 00:01
    assert status.due_slot == at("23:31", TUESDAY + timedelta(days=3))


@pytest.mark.parametrize(
    ("now", "eu_open", "us_open"),
    [
        (at("10:00"), True, False),  # 11:00 Paris, 05:00 New York
        (at("15:00"), True, True),
        (at("20:00"), False, True),
        (at("12:00", TUESDAY + timedelta(days=4)), False, False),  # Saturday
        (datetime(2026, 4, 3, 10, tzinfo=UTC), False, False),  # Good Friday: both closed
        (datetime(2026, 1, 19, 15, tzinfo=UTC), True, False),  # Martin Luther King Day
    ],
)
def test_markets_open_or_closed_come_from_the_exchange_calendar(now, eu_open, us_open):
    eu, us = market_status(Market.EU, now), market_status(Market.US, now)
    assert (eu.open, us.open) == (eu_open, us_open)
    assert eu.next_change > now and us.next_change > now


def test_broker_status_names_the_mode_and_the_saxo_token_expiry(settings, tmp_path):
    settings.KORDER_BROKER = "notify"
    assert broker_status(at("10:00")).label == "Notify only — no broker orders"

    settings.KORDER_BROKER, settings.KORDER_SAXO_ENVIRONMENT = "saxo", "sim"
    settings.KORDER_SAXO_ACCESS_TOKEN = ""
    settings.KORDER_SAXO_TOKEN_FILE = tmp_path / "token.json"
    assert "saxo_login" in broker_status(at("10:00")).token_note

    expires = at("11:00").timestamp()
    (tmp_path / "token.json").write_text(json.dumps(
        {"access_token": "a", "refresh_token": "r", "expires_at": expires,
         "refresh_expires_at": expires + 3600}))
    status = broker_status(at("10:00"))
    assert status.label == "Saxo SIM" and status.token_expires_at == at("11:00")
    assert status.refresh_expires_at == at("12:00") and status.token_note == ""
