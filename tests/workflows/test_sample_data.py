"""Synthetic sample data: deterministic in time, append-only, labelled, readable by
CsvMarketData."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from workflows.core.types import Market, MarketDataError, UnitTime
from workflows.engine.market_data import CsvMarketData, fetch_candles
from workflows.models import Workflow
from workflows.sample_data import SymbolPlan, write_sample_data

UNTIL = datetime(2024, 6, 20, 19, tzinfo=UTC)
LATER = UNTIL + timedelta(days=5, hours=-4, minutes=-7)  # a Tuesday, mid-session
PLAN = SymbolPlan("ITP:xpar", Market.EU, "ITP:xpar", 30.5)
FILES = ("ITP@xpar_15m.csv", "ITP@xpar_30m.csv")


def generate(directory: Path, until: datetime = UNTIL, days: int = 60) -> list[Path]:
    return list(write_sample_data([PLAN], directory, until=until, days=days, seed=7))


def rows(path: Path) -> dict[str, str]:
    lines = [line for line in path.read_text().splitlines() if line[:1].isdigit()]
    return {line.split(",", 1)[0]: line for line in lines}


def test_sample_data_is_deterministic_and_labelled_synthetic(tmp_path: Path) -> None:
    first = {p.name: p.read_text() for p in generate(tmp_path / "a")}
    second = {p.name: p.read_text() for p in generate(tmp_path / "b")}
    assert first == second
    assert set(first) == {"README.txt", *FILES}
    assert all("SYNTHETIC" in text for text in first.values())


def test_the_same_instant_has_the_same_prices_whenever_generated(tmp_path: Path) -> None:
    generate(tmp_path / "early", UNTIL)
    generate(tmp_path / "late", LATER)
    for name in FILES:
        early, late = rows(tmp_path / "early" / name), rows(tmp_path / "late" / name)
        shared = early.keys() & late.keys()
        assert len(shared) > 1000 if "15m" in name else len(shared) > 500
        assert {t: early[t] for t in shared} == {t: late[t] for t in shared}
        assert max(late) > max(early)


def test_a_later_run_only_appends_the_missing_bars(tmp_path: Path) -> None:
    generate(tmp_path, UNTIL)
    before = {name: (tmp_path / name).read_text() for name in FILES}
    generate(tmp_path, LATER)
    generate(tmp_path / "fresh", LATER, days=70)
    for name in FILES:
        after = (tmp_path / name).read_text()
        assert after.startswith(before[name]) and len(after) > len(before[name])
        appended, fresh = rows(tmp_path / name), rows(tmp_path / "fresh" / name)
        assert {t: fresh[t] for t in appended} == appended  # as if generated in one go
        assert list(appended) == sorted(appended)  # still oldest first, no duplicates


def test_a_second_run_at_the_same_time_changes_nothing(tmp_path: Path) -> None:
    generate(tmp_path, LATER)
    once = {name: (tmp_path / name).read_text() for name in FILES}
    generate(tmp_path, LATER)
    assert {name: (tmp_path / name).read_text() for name in FILES} == once


def test_prices_move_around_the_level_and_serve_every_unit_time(tmp_path: Path) -> None:
    generate(tmp_path)
    source = CsvMarketData(tmp_path)
    h1 = fetch_candles(source, "ITP:xpar", UnitTime.H1, 750, UNTIL, Market.EU)
    assert len(h1) >= 500
    closes = [float(c.close) for c in h1[:80]]  # the last ten trading days
    assert min(closes) < 30.5 < max(closes)
    assert all(abs(c / 30.5 - 1) <= 0.03 for c in closes)
    assert len(fetch_candles(source, "ITP:xpar", UnitTime.DAILY, 55, UNTIL, Market.EU)) == 55
    [m15] = fetch_candles(source, "ITP:xpar", UnitTime.M15, 1, UNTIL, Market.EU)
    assert h1[0].time <= m15.time <= UNTIL


def test_sample_data_never_writes_outside_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    for symbol in ("../../escaped", "/tmp/escaped", "a/b"):
        plan = SymbolPlan(symbol, Market.EU, symbol, 30.5)
        with pytest.raises(MarketDataError):
            list(write_sample_data([plan], folder, until=UNTIL, days=2, seed=7))
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["README.txt"]


def test_make_sample_data_skips_rows_stored_before_the_symbol_rule(
    tmp_path: Path, db: None
) -> None:
    call_command("import_workflows", str(Path(__file__).resolve().parents[2] / "sample" /
                                         "workflows.yml"), verbosity=0)
    Workflow.objects.filter(pk=Workflow.objects.first().pk).update(index="../../escaped")
    err = StringIO()
    folder = tmp_path / "out"
    call_command("make_sample_data", out=folder, days=2, stdout=StringIO(), stderr=err)
    assert "skipping '../../escaped'" in err.getvalue()
    assert not list(tmp_path.glob("escaped*")) and not list(tmp_path.parent.glob("escaped*"))
    assert all(p.parent == folder for p in tmp_path.rglob("*.csv"))
