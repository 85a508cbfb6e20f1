"""Per-workflow stats over the window (SPEC §12): counts, triggered %, filled % (Saxo), medians."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from tests.fixtures.order_store import make_order_record
from workflows.stats import StatsValues, compute_stats

NOW = datetime(2026, 2, 20, 15, tzinfo=UTC)


def order(*, dry=False, broker="notify", triggered=None, mfe=None, mae=None, status=None):
    record = make_order_record(placed_at=NOW, dry_run=dry, broker=broker, order_price=D("100"),
                               outcome_triggered=triggered, outcome_entry=D("100"),
                               outcome_mfe=None if mfe is None else D(mfe),
                               outcome_mae=None if mae is None else D(mae))
    if status is not None:
        object.__setattr__(record, "status", status)  # the lifecycle helper's field
    return record


@pytest.mark.parametrize(
    ("orders", "expected"),
    [
        ([], StatsValues()),
        ([order(), order(dry=True), order(broker="saxo")],
         StatsValues(placed=3, live=1, notified=1, dry=1)),
        ([order(triggered=True, mfe="2", mae="1"), order(triggered=False),
          order(triggered=True, mfe="4", mae="0.5"), order(triggered=None)],
         StatsValues(placed=4, notified=4, measured=3, triggered=2, triggered_pct=D("66.67"),
                     median_mfe_pct=D("3.00"), median_mae_pct=D("0.75"))),
        ([order(triggered=True, mfe="1", mae="3")],
         StatsValues(placed=1, notified=1, measured=1, triggered=1, triggered_pct=D("100.00"),
                     median_mfe_pct=D("1.00"), median_mae_pct=D("3.00"))),
    ],
)
def test_stats_count_orders_and_take_medians_over_triggered_ones(orders, expected) -> None:
    assert compute_stats(orders) == expected


def test_filled_percent_counts_live_saxo_orders_with_a_known_status() -> None:
    orders = [order(broker="saxo", status="filled"), order(broker="saxo", status="working"),
              order(broker="saxo", status="partially_filled"), order(broker="saxo"),
              order(broker="saxo", dry=True, status="filled"), order(status="filled")]

    stats = compute_stats(orders)

    assert stats.filled_pct == D("66.67")  # 2 of the 3 live Saxo orders with a status
    assert (stats.live, stats.dry, stats.notified) == (4, 1, 1)
