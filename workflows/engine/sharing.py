"""Per-run fetch sharing: each series is fetched once per run, distinct series concurrently.

`SharedMarketData` wraps the configured `MarketData` for one run. Bars are cached per
(symbol, horizon, until); a request for fewer bars than an earlier fetch of the same series is
served from it (bars are newest first, so fewer = a prefix). Candles are cached per
(symbol, unit time, count, market), so candle building also happens once per series.
`prefetch()` warms the cache for every series the due workflows need, one thread per symbol.
Failures are cached too: a failing series fails every workflow that needs it, fetched once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from workflows.core.candles import bars_to_fetch
from workflows.core.types import (
    CANDLE_COUNTS,
    Bar,
    Candle,
    Market,
    MarketData,
    MarketDataError,
    UnitTime,
    WorkflowSpec,
)
from workflows.engine.market_data import fetch_candles

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class CandleRequest:
    symbol: str
    ut: UnitTime
    count: int
    market: Market


def candle_requests(spec: WorkflowSpec) -> list[CandleRequest]:
    """The three series one workflow evaluates on: indicator (index), close and trigger (cfd)."""
    condition, market = spec.condition, spec.market
    return [
        CandleRequest(spec.index, condition.indicator.ut, CANDLE_COUNTS[condition.indicator.name],
                      market),
        CandleRequest(spec.cfd, condition.close.ut, 1, market),
        CandleRequest(spec.cfd, spec.trigger.ut, 1, market),
    ]


def _bars_needed(request: CandleRequest) -> int:
    """Size of the 30-minute bar fetch behind a request (other unit times: its count)."""
    if request.ut in (UnitTime.H1, UnitTime.H4, UnitTime.DAILY):
        return bars_to_fetch(request.market, request.ut, request.count)
    return request.count


class _OnceCache(Generic[K, V]):
    """key -> value computed once (per-key lock); an exception is remembered and re-raised."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[K, threading.Lock] = {}
        self._values: dict[K, V | BaseException] = {}

    def lock(self, key: K) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, key: K, compute: Callable[[], V]) -> V:
        with self.lock(key):
            if key not in self._values:
                try:
                    self._values[key] = compute()
                except Exception as exc:  # noqa: BLE001 - re-raised to every caller below
                    self._values[key] = exc
            found = self._values[key]
        if isinstance(found, BaseException):
            raise found
        return found


class SharedMarketData:
    """A `MarketData` for one run, plus `candles()`; thread-safe. See the module docstring."""

    def __init__(self, source: MarketData, *, now: datetime, workers: int = 8):
        self.source = source
        self.now = now
        self.workers = max(1, workers)
        self.fetches = 0  # calls that reached `source` (tests, benchmarks)
        self._bar_lock_guard = threading.Lock()
        self._bar_locks: dict[tuple[str, int, datetime], threading.Lock] = {}
        self._bars: dict[tuple[str, int, datetime], tuple[int, list[Bar]]] = {}
        self._bar_errors: dict[tuple[str, int, datetime], MarketDataError] = {}
        self._candles: _OnceCache[CandleRequest, list[Candle]] = _OnceCache()

    def bars(self, symbol: str, *, horizon: int, count: int, until: datetime) -> list[Bar]:
        series = (symbol, horizon, until)
        with self._series_lock(series):
            if series in self._bar_errors:
                raise self._bar_errors[series]
            cached = self._bars.get(series)
            if cached is None or cached[0] < count:
                try:
                    self._count_fetch()
                    bars = self.source.bars(symbol, horizon=horizon, count=count, until=until)
                except MarketDataError as exc:
                    self._bar_errors[series] = exc
                    raise
                cached = (count, bars)
                self._bars[series] = cached
        return cached[1][:count]

    def _count_fetch(self) -> None:
        with self._bar_lock_guard:
            self.fetches += 1

    def _series_lock(self, series: tuple[str, int, datetime]) -> threading.Lock:
        with self._bar_lock_guard:
            return self._bar_locks.setdefault(series, threading.Lock())

    def candles(self, request: CandleRequest) -> list[Candle]:
        """Candles of one series as of this run's `now`, newest first. Raises MarketDataError."""
        return self._candles.get(
            request,
            lambda: fetch_candles(
                self, request.symbol, request.ut, request.count, self.now, request.market
            ),
        )

    def prefetch(self, requests: Iterable[CandleRequest]) -> None:
        """Fetch and build every distinct series: symbols concurrently, and within one symbol
        one after the other, the most 30-minute bars first, so that smaller requests of the
        same bar series are served from the bigger fetch. Errors stay cached for `candles()`."""
        by_symbol: dict[str, list[CandleRequest]] = {}
        for request in set(requests):
            by_symbol.setdefault(request.symbol, []).append(request)
        if not by_symbol:
            return
        groups = [sorted(group, key=_bars_needed, reverse=True) for group in by_symbol.values()]
        with ThreadPoolExecutor(max_workers=min(self.workers, len(groups))) as pool:
            list(pool.map(self._prefetch_group, groups))

    def _prefetch_group(self, group: list[CandleRequest]) -> None:
        for request in group:
            self._quietly(request)

    def _quietly(self, request: CandleRequest) -> None:
        try:
            self.candles(request)
        except Exception:  # noqa: BLE001 - cached; run_one re-raises it for each workflow
            return
