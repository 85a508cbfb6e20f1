"""Chart v3 bars: paging by 1,200 with inclusive `UpTo`, bid/ask mid prices, both Time formats."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from workflows.core.types import Bar, broker_mid, broker_price
from workflows.saxo.client import SaxoClient
from workflows.saxo.errors import SaxoError
from workflows.saxo.instruments import Instrument

MAX_COUNT = 1200
HORIZONS = frozenset({1, 2, 3, 5, 10, 15, 30, 60, 120, 180, 240, 300, 360, 480, 1440, 10080,
                      43200, 129600, 518400})
_FIELDS = ("Open", "High", "Low", "Close")


def fetch_bars(client: SaxoClient, instrument: Instrument, *, horizon: int, count: int,
               until: datetime) -> list[Bar]:
    """Up to `count` bars starting at or before `until`, newest first. Pages of ≤ 1,200 end at
    the oldest bar of the previous page; that boundary bar (returned twice) is kept once.
    Raises SaxoError."""
    if horizon not in HORIZONS:
        raise SaxoError(f"Horizon {horizon} is not a chart v3 horizon", code="InvalidHorizon")
    bars: dict[datetime, Bar] = {}
    anchor = until.astimezone(UTC)
    while len(bars) < count:
        wanted = min(MAX_COUNT, count - len(bars) + (1 if bars else 0))
        page = _page(client, instrument, horizon=horizon, count=wanted, upto=anchor)
        fresh = [b for b in page if b.time <= until and b.time not in bars]
        bars.update((b.time, b) for b in fresh)
        if not fresh or len(page) < wanted:
            break  # history exhausted
        anchor = min(b.time for b in page)
    return sorted(bars.values(), key=lambda b: b.time, reverse=True)[:count]


def _page(client: SaxoClient, instrument: Instrument, *, horizon: int, count: int,
          upto: datetime) -> list[Bar]:
    reply = client.get("chart/v3/charts", {
        "AssetType": instrument.asset_type, "Uic": instrument.uic, "Horizon": horizon,
        "Count": count, "Mode": "UpTo", "Time": upto.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "FieldGroups": "Data",
    })
    return [parse_sample(s) for s in (reply or {}).get("Data") or ()]


def parse_sample(sample: dict[str, Any]) -> Bar:
    """One chart sample as a Bar: plain OHLC when present, else the bid/ask mid rounded to 4
    decimals. Raises SaxoError when a price is missing."""
    prices = [_price(sample, name) for name in _FIELDS]
    return Bar(time=parse_time(sample["Time"]), open=prices[0], high=prices[1], low=prices[2],
               close=prices[3])


def _price(sample: dict[str, Any], name: str) -> Decimal:
    """Saxo sends JSON floats; plain prices and mids are rounded to 4 decimals in float like
    upstream and the CSV source, so both sources give identical candles for identical bars."""
    ask, bid = sample.get(f"{name}Ask"), sample.get(f"{name}Bid")
    if sample.get(name) is None and (ask is None or bid is None):
        raise SaxoError(f"Chart sample at {sample.get('Time')} has no {name} nor {name}Ask/Bid",
                        code="MalformedChartSample")
    try:
        return broker_price(sample[name]) if sample.get(name) is not None else broker_mid(ask, bid)
    except (TypeError, ValueError, OverflowError) as exc:
        raise SaxoError(f"Chart sample at {sample.get('Time')} has an unreadable {name}",
                        code="MalformedChartSample") from exc


def parse_time(value: str) -> datetime:
    """`2019-09-05T21:00:00.000000Z` or `2026-04-16T12:30:00Z` -> aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
