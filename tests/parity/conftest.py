"""Locate `../shared` (parity vectors and fixtures) at run time; never copy them into the repo.

Outside CI a missing shared directory skips the parity tests; with CI=true it fails them.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from workflows.core.types import Bar, Candle, UnitTime
from workflows.engine.market_data import bar_from_row

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    configured = os.environ.get("KORDER_SHARED_DIR")
    return Path(configured) if configured else (REPO_ROOT / ".." / "shared").resolve()


def require_shared() -> Path:
    path = shared_dir()
    if not (path / "parity" / "vectors.json").is_file():
        message = f"parity data not found under {path} (set KORDER_SHARED_DIR)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def load_vectors() -> dict[str, Any]:
    """Vectors for parametrize at collection time; empty when shared is absent."""
    path = shared_dir() / "parity" / "vectors.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text())


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _candle(row: dict[str, Any]) -> Candle:
    return Candle(
        time=parse_time(row["time"]),
        open=Decimal(str(row["open"])),
        high=Decimal(str(row["high"])),
        low=Decimal(str(row["low"])),
        close=Decimal(str(row["close"])),
        ut=UnitTime(row.get("unit", "h1")),
    )


def load_fixture(name: str) -> list[Candle] | list[Bar]:
    data = json.loads((require_shared() / "parity" / "fixtures" / name).read_text())
    if data["source_kind"] == "candles":
        return [_candle(row) for row in data["rows"]]
    return [bar_from_row(row) for row in data["rows"]]


@pytest.fixture
def shared() -> Path:
    return require_shared()
