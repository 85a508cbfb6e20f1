"""Sessions, the fetch anchor and candle building from raw broker bars (SPEC §3, reference §3).

Pure Python: no Django import. Lists of bars and candles are newest first; times are aware UTC.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from workflows.core.types import Bar, Candle, Market, UnitTime


@dataclass(frozen=True)
class Session:
    """An exchange session in local wall-clock time (reference §3.1)."""

    tz: ZoneInfo
    open_hour: int
    open_minute: int
    close_hour: int  # the label of the last H1 (EU 17:00) / the anchor hour (US 15:00)
    h1_per_day: int
    h4_blocks: tuple[int, ...]
    calendar: str  # exchange_calendars code used for holidays


SESSIONS: dict[Market, Session] = {
    Market.EU: Session(ZoneInfo("Europe/Paris"), 9, 0, 17, 9, (3, 4, 2), "XPAR"),
    Market.US: Session(ZoneInfo("America/New_York"), 9, 30, 15, 6, (4, 3), "XNYS"),
}

HALF_HOUR = 30
BARS_PER_DAY = 48


@lru_cache(maxsize=4096)
def session_hours_utc(market: Market, day: date) -> tuple[int, int]:
    """(open hour, close-label hour) in UTC for the session held on `day` (DST-aware)."""
    session = SESSIONS[market]
    opening = datetime.combine(day, time(session.open_hour, session.open_minute), session.tz)
    closing = datetime.combine(day, time(session.close_hour), session.tz)
    return opening.astimezone(UTC).hour, closing.astimezone(UTC).hour


# --- trading days (exchange holidays from exchange_calendars) -----------------------------------


@lru_cache(maxsize=4)
def _calendar_sessions(code: str) -> tuple[date, date, frozenset[date]]:
    import exchange_calendars  # imported lazily: loading a calendar costs ~100 ms

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecation noise inside exchange_calendars
        calendar = exchange_calendars.get_calendar(code)
        days = frozenset(calendar.sessions.date)
    return calendar.first_session.date(), calendar.last_session.date(), days


def is_trading_day(day: date, market: Market) -> bool:
    """A weekday on which the market's exchange is open. Outside the calendar's range
    (about 20 years back, 1 year ahead) every weekday counts as open."""
    if day.weekday() >= 5:
        return False
    first, last, sessions = _calendar_sessions(SESSIONS[market].calendar)
    if day < first or day > last:
        return True
    return day in sessions


def open_days_between(start: date, end: date, market: Market) -> int:
    """Open trading days in (start, end] (reference §4.3); 0 when start > end."""
    if start >= end:
        return 0
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_trading_day(start + timedelta(days=offset), market)
    )


def last_counted_day(now: datetime, market: Market) -> date:
    """The newest day an inclined line counts at `now` (reference §4.3/§4.4, §10.20): today
    only once today's daily bar exists, i.e. today's session has opened; before that (pre-open
    runs, US workflows all morning UTC) yesterday. `open_days_between` up to this day then
    skips weekends and holidays."""
    today = now.date()
    open_hour, _ = session_hours_utc(market, today)
    opening = datetime.combine(today, time(open_hour, SESSIONS[market].open_minute), UTC)
    return today if now >= opening else today - timedelta(days=1)


# --- fetch anchor and sizing ---------------------------------------------------------------------


def session_anchor(now: datetime, market: Market) -> datetime:
    """The last session close (close-label hour :00 UTC) at or before `now` (reference §3.2).

    Weekends are skipped, exchange holidays are NOT (reference: "the broker simply returns older
    bars"): on a holiday the newest candles are the previous session's last ones, complete.
    Within today's session the anchor is `now`."""
    open_minute = SESSIONS[market].open_minute
    for back in range(8):
        day = (now - timedelta(days=back)).date()
        if day.weekday() >= 5:
            continue
        open_hour, close_hour = session_hours_utc(market, day)
        closing = datetime.combine(day, time(close_hour), UTC)
        if back == 0:
            if now < datetime.combine(day, time(open_hour, open_minute), UTC):
                continue
            return min(now, closing)
        return closing
    return now


def candles_per_day(market: Market, ut: UnitTime) -> int:
    session = SESSIONS[market]
    if ut == UnitTime.H4:
        return len(session.h4_blocks)
    if ut == UnitTime.DAILY:
        return 1
    return session.h1_per_day


def bars_to_fetch(market: Market, ut: UnitTime, count: int) -> int:
    """How many 30-minute bars to request for `count` candles of `ut` (reference §3.3)."""
    trading_days = math.ceil(count / candles_per_day(market, ut))
    calendar_days = trading_days + 2 * (trading_days // 5) + 2
    return calendar_days * BARS_PER_DAY


# --- 30m -> H1 -> H4 / daily ---------------------------------------------------------------------


def _merge(parts: Sequence[Bar | Candle], ut: UnitTime) -> Candle:
    """One candle from newest-first parts: close of the newest, open/time of the oldest."""
    oldest = parts[-1]
    return Candle(
        time=oldest.time,
        open=oldest.open,
        high=max(p.high for p in parts),
        low=min(p.low for p in parts),
        close=parts[0].close,
        ut=ut,
    )


def _closes_hour(bar: Bar, market: Market) -> bool:
    open_hour, close_hour = session_hours_utc(market, bar.time.date())
    if SESSIONS[market].open_minute == 0:
        return bar.time.minute == HALF_HOUR and open_hour <= bar.time.hour <= close_hour
    return bar.time.minute == 0 and open_hour <= bar.time.hour <= close_hour + 1


def build_h1(bars: Sequence[Bar], market: Market, ut: UnitTime = UnitTime.H1) -> list[Candle]:
    """Pair 30-minute bars into session H1 candles (reference §3.4)."""
    if bars and bars[0].time.minute == SESSIONS[market].open_minute:
        bars = bars[1:]  # the newest hour has only its first half so far
    candles: list[Candle] = []
    i = 0
    while i < len(bars):
        if not _closes_hour(bars[i], market):
            i += 1
            continue
        if i + 1 >= len(bars):
            break
        candles.append(_merge((bars[i], bars[i + 1]), ut))
        i += 2
    return candles


@lru_cache(maxsize=4096)
def _h4_block_ends(market: Market, day: date) -> dict[int, int]:
    """UTC hour of each H4 block's last H1 -> block size (reference §3.5)."""
    open_hour, _ = session_hours_utc(market, day)
    ends: dict[int, int] = {}
    cumulative = 0
    for size in SESSIONS[market].h4_blocks:
        cumulative += size
        ends[open_hour + cumulative - 1] = size
    return ends


def build_h4(h1: Sequence[Candle], market: Market) -> list[Candle]:
    """Aggregate H1 candles into session H4 blocks (EU [3, 4, 2], US [4, 3])."""
    candles: list[Candle] = []
    i = 0
    while i < len(h1):
        size = _h4_block_ends(market, h1[i].time.date()).get(h1[i].time.hour)
        if size is None:
            i += 1
            continue
        if i + size > len(h1):
            break
        candles.append(_merge(h1[i : i + size], UnitTime.H4))
        i += size
    return candles


def build_daily(h1: Sequence[Candle], market: Market) -> list[Candle]:
    """Aggregate a session's H1 candles into one daily candle dated at its first H1 (§3.6)."""
    session = SESSIONS[market]
    n = session.close_hour - session.open_hour + (1 if session.open_minute == 0 else 0)
    shift = 1 if session.open_minute == HALF_HOUR else 0
    candles: list[Candle] = []
    i = 0
    while i < len(h1):
        _, close_hour = session_hours_utc(market, h1[i].time.date())
        if h1[i].time.hour == close_hour - shift and i + n <= len(h1):
            candles.append(_merge(h1[i : i + n], UnitTime.DAILY))
            i += n
        else:
            i += 1
    return candles


def build_from_30m(bars: Sequence[Bar], market: Market, ut: UnitTime) -> list[Candle]:
    """H1, H4 or daily candles from 30-minute bars."""
    h1 = build_h1(bars, market)
    if ut == UnitTime.H4:
        return build_h4(h1, market)
    if ut == UnitTime.DAILY:
        return build_daily(h1, market)
    return h1


# --- 15m, weekly, monthly ------------------------------------------------------------------------


def candles_from_bars(bars: Iterable[Bar], ut: UnitTime) -> list[Candle]:
    """Broker bars taken as they are (15m from 15-minute bars, weekly from weekly bars)."""
    return [Candle(b.time, b.open, b.high, b.low, b.close, ut) for b in bars]


def _iso_week(moment: datetime) -> tuple[int, int]:
    year, week, _ = moment.isocalendar()
    return year, week


def with_current_week(weekly: list[Candle], daily: Sequence[Candle], now: datetime) -> list[Candle]:
    """Prepend a current-week candle built from this ISO week's daily candles (reference §3.7)
    when the newest weekly candle is from an earlier week and today is Monday–Friday."""
    if now.weekday() >= 5 or (weekly and _iso_week(weekly[0].time) == _iso_week(now)):
        return weekly
    this_week = [c for c in daily[:5] if _iso_week(c.time) == _iso_week(now)]
    if not this_week:
        return weekly
    return [_merge(this_week, UnitTime.WEEKLY), *weekly]


def build_monthly(daily_bars: Sequence[Bar]) -> list[Candle]:
    """Group newest-first daily bars by calendar month (UTC)."""
    candles: list[Candle] = []
    group: list[Bar] = []
    for bar in daily_bars:
        if group and (bar.time.year, bar.time.month) != (group[0].time.year, group[0].time.month):
            candles.append(_merge(group, UnitTime.MONTHLY))
            group = []
        group.append(bar)
    if group:
        candles.append(_merge(group, UnitTime.MONTHLY))
    return candles
