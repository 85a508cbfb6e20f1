"""The engine's dependencies (`Deps`) and `build_deps()`, the only place that reads settings.

Market data: `csv` (CsvMarketData on KORDER_CSV_DIR) or `saxo`. Broker: `notify` (default) or
`saxo`. Notifier: Slack when SLACK_BOT_TOKEN is set, else the log. Saxo's client is built once
and shared by its market data and broker.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from workflows.core.types import Broker, MarketData
from workflows.engine.brokers import NotifyOnlyBroker
from workflows.engine.market_data import CsvMarketData
from workflows.engine.notifiers import (
    LogNotifier,
    Notifier,
    SlackChannels,
    SlackNotifier,
    slack_client,
)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_order_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class Deps:
    """What the engine talks to. `clock` is wall time (ledger timestamps, retention), never the
    evaluation time; `new_order_id` makes our order ids (record id, Saxo ExternalReference)."""

    market_data: MarketData
    broker: Broker
    notifier: Notifier
    execution_context: str = "run_workflows"
    fetch_concurrency: int = 8
    clock: Callable[[], datetime] = field(default=utc_now)
    new_order_id: Callable[[], str] = field(default=new_order_id)
    # Broker order ids whose positions are open (read once per run; None = unknown/no broker).
    open_positions: frozenset[str] | None = None


def build_deps(*, context: str = "run_workflows") -> Deps:
    """Deps from settings. Raises ImproperlyConfigured naming the setting when one is unusable."""
    uses_saxo = "saxo" in (settings.KORDER_MARKET_DATA, settings.KORDER_BROKER)
    saxo = _saxo_client() if uses_saxo else None
    return Deps(
        market_data=_market_data(saxo),
        broker=_broker(saxo),
        notifier=_notifier(),
        execution_context=f"{context}@{socket.gethostname()}",
        fetch_concurrency=settings.KORDER_FETCH_CONCURRENCY,
    )


def build_market_data() -> MarketData:
    """The configured market data alone (no broker, no notifier), for pages that draw candles.
    Raises ImproperlyConfigured like `build_deps`."""
    return _market_data(_saxo_client() if settings.KORDER_MARKET_DATA == "saxo" else None)


_PAGE_SOURCE_TTL = 300.0
_page_source: tuple[float, tuple[str, str], MarketData] | None = None


def page_market_data() -> MarketData:
    """`build_market_data()`, kept a few minutes per settings (CSV files are parsed once per
    instance, a Saxo client keeps its token) so each chart request does not rebuild it."""
    global _page_source
    key = (settings.KORDER_MARKET_DATA, str(settings.KORDER_CSV_DIR))
    cached = _page_source
    if cached is None or cached[1] != key or time.monotonic() - cached[0] > _PAGE_SOURCE_TTL:
        cached = _page_source = (time.monotonic(), key, build_market_data())
    return cached[2]


def _saxo_client() -> Any:
    from workflows.saxo import build_saxo_client

    try:
        return build_saxo_client(settings)
    except ValueError as exc:
        raise ImproperlyConfigured(f"KORDER_SAXO_ENVIRONMENT / KORDER_SAXO_*: {exc}") from exc


def _market_data(saxo: Any) -> MarketData:
    if settings.KORDER_MARKET_DATA == "saxo":
        from workflows.saxo.market_data import SaxoMarketData

        return SaxoMarketData(saxo)
    if not settings.KORDER_CSV_DIR.is_dir():
        raise ImproperlyConfigured(
            f"KORDER_CSV_DIR: {settings.KORDER_CSV_DIR} is not a directory "
            "(run `manage.py make_sample_data` or set KORDER_MARKET_DATA=saxo)"
        )
    return CsvMarketData(settings.KORDER_CSV_DIR)


def _broker(saxo: Any) -> Broker:
    if settings.KORDER_BROKER == "saxo":
        from workflows.saxo.broker import SaxoBroker

        return SaxoBroker(saxo)
    return NotifyOnlyBroker()


def _notifier() -> Notifier:
    if not settings.SLACK_BOT_TOKEN:
        return LogNotifier()
    channels = SlackChannels(
        workflows=settings.KORDER_SLACK_CHANNEL_WORKFLOWS,
        stocks=settings.KORDER_SLACK_CHANNEL_STOCKS,
        errors=settings.KORDER_SLACK_CHANNEL_ERRORS,
    )
    client = slack_client(settings.SLACK_BOT_TOKEN, base_url=settings.KORDER_SLACK_BASE_URL or None)
    return SlackNotifier(client, channels)


def build_replay_deps() -> Deps:
    """Deps for replays over the sample CSV data: CSV bars, no broker call, log notifications
    (past orders are never sent anywhere, whatever KORDER_BROKER and SLACK_BOT_TOKEN say)."""
    if not settings.KORDER_CSV_DIR.is_dir():
        raise ImproperlyConfigured(
            f"KORDER_CSV_DIR: {settings.KORDER_CSV_DIR} is not a directory "
            "(run `manage.py make_sample_data` first)"
        )
    return Deps(
        market_data=CsvMarketData(settings.KORDER_CSV_DIR),
        broker=NotifyOnlyBroker(),
        notifier=LogNotifier(),
        execution_context=f"replay_sample@{socket.gethostname()}",
        fetch_concurrency=settings.KORDER_FETCH_CONCURRENCY,
    )
