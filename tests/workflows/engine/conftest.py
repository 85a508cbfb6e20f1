"""Engine test helpers: synthetic 30-minute CSV bars, workflow factories, deps from settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from workflows.core.types import Bar
from workflows.engine.deps import Deps, build_deps
from workflows.engine.market_data import csv_file_name, write_bars_csv
from workflows.models import Workflow
from workflows.services import create_workflow
from workflows.validation import WorkflowIn

# A Friday in winter: EU session 08:00-16:30 UTC; at 14:31 the newest H1 candle is 14:00
# (its second half-hour bar is the one forming).
NOW = datetime(2026, 2, 20, 14, 31, tzinfo=UTC)
SYMBOLS = {"DAX.I": "22000", "GER40.I": "22010", "ITP:xpar": "150", "CAC40.I": "8000"}


def bars_for(price: Decimal, *, start: datetime, end: datetime) -> list[Bar]:
    """Weekday 30-minute bars, all day, gently oscillating around `price`."""
    bars, moment, step = [], start, 0
    while moment <= end:
        if moment.weekday() < 5:
            close = price + Decimal(step % 7 - 3)
            bars.append(Bar(moment, close - 1, close + 2, close - 2, close))
            step += 1
        moment += timedelta(minutes=30)
    return bars


def write_sample_csv(directory: Path, symbols: dict[str, str] = SYMBOLS,
                     end: datetime = NOW) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    start = end - timedelta(days=21)
    for symbol, price in symbols.items():
        bars = bars_for(Decimal(price), start=start.replace(hour=0, minute=0), end=end)
        (directory / csv_file_name(symbol, 30)).write_text(write_bars_csv(bars))
    return directory


@pytest.fixture
def csv_dir(tmp_path: Path, settings: Any) -> Path:
    """Sample bars in a temporary KORDER_CSV_DIR; notify broker; no Slack unless slack_server."""
    directory = write_sample_csv(tmp_path / "bars")
    settings.KORDER_MARKET_DATA = "csv"
    settings.KORDER_CSV_DIR = directory
    settings.KORDER_BROKER = "notify"
    if not getattr(settings, "KORDER_SLACK_BASE_URL", ""):
        settings.SLACK_BOT_TOKEN = ""
    return directory


def zone_workflow(name: str, *, low: int = 21000, high: int = 23000, cfd: str = "GER40.I",
                  index: str = "DAX.I", direction: str = "below", **fields: Any) -> Workflow:
    """A zone workflow (candles unused): it triggers when the h1 close is in [low, high]."""
    location, side = ("lower", "sell") if direction == "below" else ("higher", "buy")
    definition = WorkflowIn.model_validate({
        "name": name, "index": index, "cfd": cfd,
        "conditions": [{"indicator": {"name": "zone", "ut": "h1", "value": low,
                                      "zone_value": high},
                        "close": {"direction": direction, "ut": "h1"}}],
        "trigger": {"ut": "h1", "location": location, "order_direction": side,
                    "quantity": "0.5", "offset": "1"},
        **fields,
    })
    return create_workflow(definition=definition)


@pytest.fixture
def make_workflow(db: None) -> Callable[..., Workflow]:
    return zone_workflow


@pytest.fixture
def deps(csv_dir: Path) -> Deps:
    """Deps built from settings exactly as `run_workflows` does (request `slack_server` first
    to get the Slack notifier)."""
    return build_deps()
