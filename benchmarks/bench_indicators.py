"""Indicator benchmark (SPEC §10): combo on 750 candles, and all indicator work of the 48
reference workflows on parity fixture data. Run: .venv/bin/python benchmarks/bench_indicators.py

Reads ../shared (or KORDER_SHARED_DIR) at run time; nothing is copied into the repo.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workflows.core.conditions import evaluate, indicator_value  # noqa: E402
from workflows.core.indicators import closes, combo, macd_zero_lag_f  # noqa: E402
from workflows.core.types import (  # noqa: E402
    CANDLE_COUNTS,
    Candle,
    CloseSpec,
    ConditionSpec,
    Direction,
    IndicatorName,
    IndicatorSpec,
    Market,
    Point,
    UnitTime,
)

SHARED = Path(os.environ.get("KORDER_SHARED_DIR") or REPO.parent / "shared")
FIXTURE_BY_UT = {
    "h1": "combo_sell_h1_dax.json",
    "h4": "combo_buy_h4_dax.json",
    "daily": "combo_buy_daily_cac.json",
}


def load_candles(name: str) -> list[Candle]:
    rows = json.loads((SHARED / "parity" / "fixtures" / name).read_text())["rows"]
    return [
        Candle(
            datetime.fromisoformat(r["time"].replace("Z", "+00:00")),
            *(Decimal(str(r[k])) for k in ("open", "high", "low", "close")),
        )
        for r in rows
    ]


def extend(candles: list[Candle], count: int) -> list[Candle]:
    """Repeat the fixture back in time (older copies) until `count` candles."""
    out = list(candles)
    while len(out) < count:
        shift = out[-1].time - candles[0].time - timedelta(hours=1)
        out += [replace(c, time=c.time + shift) for c in candles]
    return out[:count]


def _point(raw: dict[str, Any] | None) -> Point | None:
    if not raw:
        return None
    day = raw.get("x") or raw.get("date")
    day = day if isinstance(day, date) else date.fromisoformat(str(day).replace("/", "-"))
    return Point(day, Decimal(str(raw.get("y") or raw.get("price"))))


def condition_of(doc: dict[str, Any]) -> ConditionSpec:
    ind, close = doc["conditions"][0]["indicator"], doc["conditions"][0]["close"]
    number = lambda v: None if v is None else Decimal(str(v))  # noqa: E731
    indicator = IndicatorSpec(
        IndicatorName(ind["name"].lower()),
        UnitTime(ind["ut"].lower()),
        number(ind.get("value")),
        number(ind.get("zone_value")),
        _point(ind.get("x1")),
        _point(ind.get("x2")),
    )
    spread = number(close.get("spread")) or Decimal(0)
    return ConditionSpec(
        indicator, CloseSpec(Direction(close["direction"].lower()), UnitTime.H1, spread)
    )


def timed(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    if not (SHARED / "parity").is_dir():
        sys.exit(f"shared data not found at {SHARED} (set KORDER_SHARED_DIR)")
    base = {ut: load_candles(name) for ut, name in FIXTURE_BY_UT.items()}
    c750 = extend(base["h1"], 750)
    docs = yaml.safe_load((SHARED / "reference" / "workflows.yml").read_text())
    work = []
    for doc in docs:
        cond = condition_of(doc)
        series = base.get(cond.indicator.ut.value, base["daily"])
        candles = extend(series, CANDLE_COUNTS[cond.indicator.name])
        market = Market.US if doc.get("is_us") or ":xn" in doc["cfd"].lower() else Market.EU
        work.append((cond, candles, market))
    now = datetime.now(UTC)

    def all_workflows() -> None:
        for cond, candles, market in work:
            value = indicator_value(cond.indicator, candles, now=now, market=market)
            evaluate(cond, value, candles[0])

    all_workflows()  # warm-up: loads the exchange calendars once per process
    combo_ms = timed(lambda: combo(c750), 50)
    all_ms = timed(all_workflows, 20)
    # Worst case: combo always computing the MACD (no early "no signal" exit).
    macd_ms = timed(lambda: macd_zero_lag_f(closes(c750)), 50)
    print(f"combo on 750 candles:            {combo_ms:7.2f} ms  (target <= 5 ms)")
    print(f"zero-lag MACD on 750 candles:    {macd_ms:7.2f} ms  (part of combo's worst case)")
    print(f"indicators of {len(work)} workflows:       {all_ms:7.2f} ms  (target <= 100 ms)")


if __name__ == "__main__":
    main()
