"""CSV bar files as a `MarketData` source, and `fetch_candles`: bars -> candles of a unit time.

Pure Python, no Django. The per-run sharing/caching layer is the engine's, not this module's.

CSV layout (`CsvMarketData`): one file per symbol and horizon in one directory, named
`<symbol>_<horizon>m.csv` with `:` in the symbol written as `@` (`DAX.I_30m.csv`,
`AAPL@xnas_15m.csv`). Columns: `time` (ISO-8601, UTC when naive) and either
`open,high,low,close` or the bid/ask variants `OpenBid,OpenAsk,...` (mids); every price is
rounded to 4 decimals,
any order, any case; lines starting with `#` are comments. Rows may be in any order.
A missing 1440-minute (daily) or 10080-minute (weekly) file is derived from the 30-minute file
(UTC day / ISO week, dated 00:00 UTC); 15-minute bars are never derived. A day or week still
running at the requested instant is built from the 30-minute bars started by then, so a replay
(`--at`) never sees data from after its instant at any unit time (SPEC §3).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from workflows.core import candles as cb
from workflows.core.symbols import UnsafeSymbol, check_symbol, file_in
from workflows.core.types import (
    Bar,
    Candle,
    Market,
    MarketData,
    MarketDataError,
    UnitTime,
    broker_mid,
    broker_price,
)

M15, M30, DAY, WEEK = 15, 30, 1440, 10080
PERIODS = {DAY: timedelta(days=1), WEEK: timedelta(weeks=1)}
MONTH_TRADING_DAYS = 23


# --- rows -> bars --------------------------------------------------------------------------------


def _price(row: Mapping[str, Any], name: str) -> Decimal:
    """A price column, or the bid/ask mid; either rounded to 4 decimals (float arithmetic, as
    upstream). Raises MarketDataError for a missing or unreadable price."""
    cap = name.capitalize()
    try:
        for key in (name, name.lower(), cap):
            if key in row and row[key] not in (None, ""):
                return broker_price(row[key])
        return broker_mid(row[f"{cap}Ask"], row[f"{cap}Bid"])
    except KeyError as exc:
        raise MarketDataError(f"bar row without a {name} price: {dict(row)}") from exc
    except (TypeError, ValueError, OverflowError) as exc:
        raise MarketDataError(f"bar row with an unreadable {name} price: {dict(row)}") from exc


def parse_time(value: str | datetime) -> datetime:
    moment = (
        value
        if isinstance(value, datetime)
        else datetime.fromisoformat(value.replace("Z", "+00:00"))
    )
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def bar_from_row(row: Mapping[str, Any]) -> Bar:
    """One bar from a CSV/JSON row (time + OHLC or bid/ask OHLC)."""
    time_value = row.get("time", row.get("Time"))
    if time_value is None:
        raise MarketDataError(f"bar row without time: {dict(row)}")
    return Bar(
        time=parse_time(time_value),
        open=_price(row, "open"),
        high=_price(row, "high"),
        low=_price(row, "low"),
        close=_price(row, "close"),
    )


def read_bars_csv(text: str) -> list[Bar]:
    """Parse CSV text into bars, newest first."""
    lines = (
        line for line in io.StringIO(text) if line.strip() and not line.lstrip().startswith("#")
    )
    bars = [bar_from_row(row) for row in csv.DictReader(lines)]
    bars.sort(key=lambda b: b.time, reverse=True)
    return bars


def write_bars_csv(bars: Iterable[Bar], header_comment: str = "") -> str:
    """Bars as CSV text (oldest first), with an optional `#` comment header."""
    out = io.StringIO()
    for line in header_comment.splitlines():
        out.write(f"# {line}\n")
    out.write("time,open,high,low,close\n")
    for b in sorted(bars, key=lambda b: b.time):
        out.write(f"{b.time.strftime('%Y-%m-%dT%H:%M:%SZ')},{b.open},{b.high},{b.low},{b.close}\n")
    return out.getvalue()


def csv_file_name(symbol: str, horizon: int) -> str:
    return f"{symbol.replace(':', '@')}_{horizon}m.csv"


def csv_path(directory: Path, symbol: str, horizon: int) -> Path:
    """The CSV file of `symbol` in `directory`; a symbol that is not one (a `/`, `..`, NUL,
    an absolute path: say a row written before the validation rules) raises MarketDataError
    instead of naming a file outside the folder (SPEC §13)."""
    try:
        return file_in(directory, csv_file_name(check_symbol(symbol), horizon))
    except UnsafeSymbol as exc:
        raise MarketDataError(f"refusing symbol {symbol[:80]!r}: {exc}") from None


# --- derived horizons ----------------------------------------------------------------------------


def aggregate_bars(bars: Sequence[Bar], key: Callable[[datetime], datetime]) -> list[Bar]:
    """Group newest-first bars by `key(time)` (a period start) into newest-first bars."""
    groups: dict[datetime, list[Bar]] = {}
    for bar in bars:
        groups.setdefault(key(bar.time), []).append(bar)
    return [
        Bar(
            start,
            parts[-1].open,
            max(p.high for p in parts),
            min(p.low for p in parts),
            parts[0].close,
        )
        for start, parts in groups.items()
    ]


def day_start(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def week_start(moment: datetime) -> datetime:
    return day_start(moment) - timedelta(days=moment.weekday())


# --- the CSV source ------------------------------------------------------------------------------


class CsvMarketData:
    """Bars from a directory of CSV files. `as_of` hides bars starting after it (replays).

    Files are parsed once per instance and kept in memory, and parsed again once they changed
    (`make run` appends sample bars while the engine loop runs)."""

    def __init__(self, directory: Path | str, *, as_of: datetime | None = None) -> None:
        self.directory = Path(directory)
        self.as_of = as_of
        self._cache: dict[tuple[str, int], tuple[tuple[int, int] | None, list[Bar]]] = {}

    def bars(self, symbol: str, *, horizon: int, count: int, until: datetime) -> list[Bar]:
        """Up to `count` bars of `horizon` minutes starting at or before `until` (and `as_of`),
        newest first: what a broker has published at `until`. A daily or weekly bar whose
        period is still running at `until` is rebuilt from the 30-minute bars known then
        (dropped without them), never taken whole from the file: a replay never sees the
        future. Raises MarketDataError for an unknown symbol/horizon or no bars."""
        limit = min(until, self.as_of) if self.as_of else until
        series = self._series(symbol, horizon)
        start = _first_at_or_before(series, limit)
        selected = series[start : start + count]
        if horizon in PERIODS and selected and selected[0].time + PERIODS[horizon] > limit:
            current = self._period_so_far(symbol, selected[0].time, limit)
            older = series[start + 1 : start + count + (0 if current else 1)]
            selected = [current, *older] if current else older
        if not selected:
            raise MarketDataError(
                f"No data returned for {symbol} (horizon {horizon}) up to {limit}"
            )
        return selected

    def _period_so_far(self, symbol: str, period_start: datetime, limit: datetime) -> Bar | None:
        """The running period from `period_start` as known at `limit` (30-minute bars started by
        then), or None when there are none (or no 30-minute file)."""
        try:
            base = self._series(symbol, M30)
        except MarketDataError:
            return None
        newest = _first_at_or_before(base, limit)
        oldest = _first_at_or_before(base, period_start - timedelta(microseconds=1))
        parts = [b for b in base[newest:oldest] if b.time >= period_start]
        if not parts:
            return None
        return Bar(period_start, parts[-1].open, max(p.high for p in parts),
                   min(p.low for p in parts), parts[0].close)

    def _series(self, symbol: str, horizon: int) -> list[Bar]:
        key = (symbol, horizon)
        stamp = self._stamp(symbol, horizon)
        cached = self._cache.get(key)
        if cached is None or cached[0] != stamp:
            self._cache[key] = (stamp, self._load(symbol, horizon))
        return self._cache[key][1]

    def _stamp(self, symbol: str, horizon: int) -> tuple[int, int] | None:
        """(mtime, size) of the file the series is read or derived from; None if missing."""
        for source in (horizon, M30):
            try:
                info = csv_path(self.directory, symbol, source).stat()
            except OSError:
                continue
            return info.st_mtime_ns, info.st_size
        return None

    def _load(self, symbol: str, horizon: int) -> list[Bar]:
        path = csv_path(self.directory, symbol, horizon)
        if path.is_file():
            return read_bars_csv(path.read_text())
        if horizon in (DAY, WEEK):
            base = self._series(symbol, M30)
            return aggregate_bars(base, day_start if horizon == DAY else week_start)
        raise MarketDataError(
            f"No data returned for {symbol}: {path.name} not found in {self.directory}"
        )


def _first_at_or_before(series: Sequence[Bar], limit: datetime) -> int:
    """Index of the newest bar starting at or before `limit` in a newest-first list."""
    lo, hi = 0, len(series)
    while lo < hi:
        mid = (lo + hi) // 2
        if series[mid].time > limit:
            lo = mid + 1
        else:
            hi = mid
    return lo


# --- bars -> candles for a unit time -------------------------------------------------------------


def fetch_candles(
    source: MarketData, symbol: str, ut: UnitTime, count: int, now: datetime, market: Market
) -> list[Candle]:
    """Up to `count` candles of `ut` for `symbol`, newest first, as of `now` (SPEC §3).

    H1/H4/daily: 30-minute bars up to the session anchor, sized per reference §3.3.
    15m: 15-minute bars up to the anchor. Weekly: weekly bars up to `now` plus the current-week
    candle from this week's daily candles. Monthly: daily bars grouped by month.
    Raises MarketDataError (from the source) when nothing can be fetched."""
    if ut in (UnitTime.H1, UnitTime.H4, UnitTime.DAILY):
        return _from_30m(source, symbol, ut, count, now, market)[:count]
    if ut == UnitTime.M15:
        bars = source.bars(symbol, horizon=M15, count=count, until=cb.session_anchor(now, market))
        return cb.candles_from_bars(bars, UnitTime.M15)
    if ut == UnitTime.WEEKLY:
        return _weekly(source, symbol, count, now, market)[:count]
    bars = source.bars(symbol, horizon=DAY, count=(count + 1) * MONTH_TRADING_DAYS, until=now)
    return cb.build_monthly(bars)[:count]


def _from_30m(
    source: MarketData, symbol: str, ut: UnitTime, count: int, now: datetime, market: Market
) -> list[Candle]:
    anchor = cb.session_anchor(now, market)
    bars = source.bars(symbol, horizon=M30, count=cb.bars_to_fetch(market, ut, count), until=anchor)
    return cb.build_from_30m(bars, market, ut)


def _weekly(
    source: MarketData, symbol: str, count: int, now: datetime, market: Market
) -> list[Candle]:
    weekly = cb.candles_from_bars(
        source.bars(symbol, horizon=WEEK, count=count, until=now), UnitTime.WEEKLY
    )
    if now.weekday() >= 5 or (weekly and weekly[0].time.isocalendar()[:2] == now.isocalendar()[:2]):
        return weekly
    try:
        daily = _from_30m(source, symbol, UnitTime.DAILY, 5, now, market)
    except MarketDataError:
        return weekly
    return cb.with_current_week(weekly, daily, now)
