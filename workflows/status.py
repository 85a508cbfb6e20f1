"""Engine and broker status for `/status/`, `GET /api/workflow/status` and `/healthz` (SPEC §12).

The runner is **late** when a due :01/:31 weekday slot passed more than GRACE ago without a
run starting since (only `run_workflows` runs count, not replays or Run now), or when the
`--loop` runner's heartbeat went stale (a killed runner shows within a minute) and no run
started after its last beat.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings

from orders import services as order_services
from orders.errors import OrderStoreUnavailable
from workflows.core.candles import SESSIONS
from workflows.core.types import Market
from workflows.engine.schedule import next_slot, previous_slot
from workflows.models import EngineRun, RunnerHeartbeat, RunSource

log = logging.getLogger(__name__)

GRACE = timedelta(minutes=5)
HEARTBEAT_STALE = timedelta(seconds=55)  # beats come every 20 s (engine/runlog.py)
RUNNER_SOURCES = (RunSource.LOOP, RunSource.ONCE)
MARKET_NAMES = {Market.EU: "EU (Euronext Paris)", Market.US: "US (NYSE)"}


@dataclass(frozen=True)
class RunnerStatus:
    late: bool
    reason: str
    last_run: EngineRun | None
    heartbeat: RunnerHeartbeat | None
    next_slot: datetime
    due_slot: datetime  # the latest slot a run must have started by now (+ GRACE)

    @property
    def state(self) -> str:
        return "late" if self.late else "ok"


def runner_status(now: datetime) -> RunnerStatus:
    """Whether the scheduled runner is keeping up (see the module docstring)."""
    last = EngineRun.objects.filter(source__in=RUNNER_SOURCES).order_by("-started_at").first()
    heartbeat = RunnerHeartbeat.objects.order_by("-beat_at").first()
    due = previous_slot(now - GRACE)
    late, reason = _lateness(now, due, last, heartbeat)
    return RunnerStatus(late=late, reason=reason, last_run=last, heartbeat=heartbeat,
                        next_slot=next_slot(now), due_slot=due)


def _lateness(now: datetime, due: datetime, last: EngineRun | None,
              heartbeat: RunnerHeartbeat | None) -> tuple[bool, str]:
    if heartbeat is not None and heartbeat.stopped_at is None:
        age = now - heartbeat.beat_at
        newer_run = last is not None and last.started_at > heartbeat.beat_at
        if age > HEARTBEAT_STALE and not newer_run:
            return True, (f"the --loop runner on {heartbeat.host} stopped beating "
                          f"{int(age.total_seconds())} s ago")
    if last is None:
        return True, "no engine run recorded yet"
    if last.started_at < due:
        return True, f"no run since the {due:%a %H:%M} UTC slot"
    return False, "on time"


# --- markets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MarketStatus:
    market: str
    name: str
    open: bool
    next_change: datetime | None  # next open when closed, next close when open


@lru_cache(maxsize=4)
def _calendar(code: str) -> Any:
    import exchange_calendars  # loading a calendar costs ~100 ms: once per process

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return exchange_calendars.get_calendar(code)


def market_status(market: Market, now: datetime) -> MarketStatus:
    """Open/closed now from the exchange calendar (holidays and early closes included)."""
    import pandas as pd

    calendar = _calendar(SESSIONS[market].calendar)
    minute = pd.Timestamp(now.astimezone(UTC)).floor("min")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        is_open = bool(calendar.is_open_on_minute(minute))
        change = calendar.next_close(minute) if is_open else calendar.next_open(minute)
    return MarketStatus(market=market.value, name=MARKET_NAMES[market], open=is_open,
                        next_change=change.to_pydatetime().astimezone(UTC))


# --- broker and stores --------------------------------------------------------------------------


@dataclass(frozen=True)
class BrokerStatus:
    mode: str  # notify | saxo
    label: str
    environment: str | None = None  # sim | live (Saxo only)
    token_expires_at: datetime | None = None
    refresh_expires_at: datetime | None = None
    token_note: str = ""


def broker_status(now: datetime) -> BrokerStatus:
    """The broker mode and, for Saxo, when the saved token (and its refresh) expire."""
    if settings.KORDER_BROKER != "saxo":
        return BrokerStatus(mode="notify", label="Notify only — no broker orders")
    environment = settings.KORDER_SAXO_ENVIRONMENT
    label = f"Saxo {environment.upper()}"
    if settings.KORDER_SAXO_ACCESS_TOKEN:
        return BrokerStatus("saxo", label, environment,
                            token_note="developer token from the settings (24 h, expiry unknown)")
    from workflows.saxo.tokens import TokenFile

    tokens = TokenFile(settings.KORDER_SAXO_TOKEN_FILE).load()
    if tokens is None:
        return BrokerStatus("saxo", label, environment,
                            token_note="no saved token: run `manage.py saxo_login`")
    access, refresh = (datetime.fromtimestamp(t, UTC) if t else None
                       for t in (tokens.expires_at, tokens.refresh_expires_at))
    expired = refresh is not None and refresh <= now
    note = "expired: run `manage.py saxo_login`" if expired else ""
    return BrokerStatus("saxo", label, environment, access, refresh, note)


@dataclass(frozen=True)
class StoreStatus:
    up: bool
    detail: str
    outbox_pending: int


def store_status() -> StoreStatus:
    """The order store's liveness (DescribeTable) and the outbox backlog."""
    pending = order_services.pending_outbox_count()
    try:
        order_services.check_store()
    except OrderStoreUnavailable as exc:
        log.warning("status: order store down: %s", exc)
        return StoreStatus(up=False, detail=exc.public, outbox_pending=pending)
    return StoreStatus(up=True, detail="answering", outbox_pending=pending)


@dataclass(frozen=True)
class EngineStatus:
    now: datetime
    runner: RunnerStatus
    markets: list[MarketStatus]
    broker: BrokerStatus
    store: StoreStatus


def engine_status(now: datetime) -> EngineStatus:
    """Everything `/status/` and the status API show, as of `now`."""
    return EngineStatus(
        now=now, runner=runner_status(now),
        markets=[market_status(market, now) for market in Market],
        broker=broker_status(now), store=store_status(),
    )
