"""The decision log in plain words, identical consecutive outcomes collapsed (issue 17 item 7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from workflows.decision_words import amount, collapse_decisions, plain_reason

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(("reason", "words"), [
    ("condition does not hold: ma50 18240; close 18120, high 18130 not in [18235, 18240]",
     "close 18,120 and high 18,130 were not within MA50 18,240 − spread 5 (18,235 – 18,240)"),
    ("ma50 18240; close 18120 not in [18240, 18245]",
     "close 18,120 was not within MA50 18,240 + spread 5 (18,240 – 18,245)"),
    ("zone [29.5, 31.5]; close 30.2, low 29.9 in [29.5, 31.5]",
     "close 30.2 and low 29.9 were within zone 29.5 – 31.5"),
    ("bbh 1.08345; close 1.0801 in [1.08345, 1.08345]",
     "close 1.0801 was within upper Bollinger band 1.08345"),
    ("trigger location lower does not match above: ma7 100; close 101 in [100, 102]",
     "trigger location lower does not match above: close 101 was within MA7 100 + spread 2 "
     "(100 – 102)"),
    ("condition does not hold: combo: no signal (120 candles); above needs a buy signal",
     "combo gave no signal (120 candles); close above needs a BUY signal"),
    ("combo sell strong at 18120.5; below needs a sell signal",
     "combo gave a SELL signal (strong) at 18,120.5; close below needs a SELL signal"),
    ("polarite 100; crossed, close 101.5",
     "the candle crossed the polarity level 100 and closed at 101.5"),
    ("condition does not hold: ma50 none: no value to compare",
     "MA50 had no value to compare with"),
    ("Can't get candles for dax: Saxo answered 503",
     "Can't get candles for dax: Saxo answered 503"),
])
def test_engine_reasons_read_as_sentences(reason, words):
    assert plain_reason(reason) == words


@pytest.mark.parametrize(("text", "shown"), [
    ("18120", "18,120"), ("18240.50", "18,240.5"), ("1.08345", "1.08345"), ("-1200.5", "-1,200.5"),
    ("5", "5"), ("0.1", "0.1"),
])
def test_amounts_get_thousands_separators_and_keep_every_digit(text, shown):
    assert amount(text) == shown


@dataclass
class FakeDecision:
    pk: int
    evaluated_at: datetime
    outcome: str = "no_order"
    skip_code: str = "condition_false"
    dry_run: bool = False
    condition_holds: bool | None = False
    reason: str = "ma50 18240; close 18120 not in [18240, 18245]"


def test_identical_consecutive_outcomes_become_one_row_with_a_count_and_time_range():
    newest_first = [FakeDecision(n, T0 - timedelta(hours=n)) for n in range(5)]
    newest_first.insert(2, FakeDecision(99, T0 - timedelta(hours=1, minutes=30), outcome="ordered",
                                        skip_code="", condition_holds=True))
    newest_first.append(FakeDecision(98, T0 - timedelta(hours=9), outcome="ordered",
                                     skip_code="", condition_holds=True))
    newest_first.append(FakeDecision(97, T0 - timedelta(hours=10), outcome="ordered",
                                     skip_code="", condition_holds=True))
    rows = collapse_decisions(newest_first)
    assert [(r.decision.pk, r.count) for r in rows] == [(0, 2), (99, 1), (2, 3), (98, 1), (97, 1)]
    assert rows[0].newest_at == T0 and rows[0].oldest_at == T0 - timedelta(hours=1)
    assert rows[2].oldest_at == T0 - timedelta(hours=4)
    assert rows[0].words.startswith("close 18,120 was not within MA50 18,240")


def test_failures_collapse_only_with_the_same_message_and_the_row_limit_counts_rows():
    fail = [FakeDecision(n, T0 - timedelta(hours=n), outcome="failed", skip_code="",
                         condition_holds=None, reason=f"Can't get candles: error {n // 2}")
            for n in range(6)]
    assert [r.count for r in collapse_decisions(fail)] == [2, 2, 2]
    limited = collapse_decisions(fail, limit=2)
    assert [r.count for r in limited] == [2, 2]
