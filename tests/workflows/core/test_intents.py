"""Order decision table of reference §6.1, with the per-workflow offset (SPEC §4)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from workflows.core.intents import build_order
from workflows.core.types import (
    Candle,
    CloseSpec,
    ConditionSpec,
    Direction,
    IndicatorName,
    IndicatorSpec,
    Location,
    OrderIntent,
    OrderType,
    Side,
    SkipCode,
    SkipReason,
    TriggerSpec,
    UnitTime,
    WorkflowSpec,
)

T0 = datetime(2024, 6, 20, 8, tzinfo=UTC)
TRIGGER = Candle(T0, D("8.5"), D("10.5"), D("9"), D("10.6"))


def workflow(direction: Direction, location: Location, side: Side, qty="9", offset="1", dry=False):
    cond = ConditionSpec(
        IndicatorSpec(IndicatorName.MA50, UnitTime.H4), CloseSpec(direction, UnitTime.H1, D("1.5"))
    )
    trigger = TriggerSpec(UnitTime.H1, location, side, D(qty), offset=D(offset))
    return WorkflowSpec("wf-1", "Test", "FRA40.I", "FRA40.I", (cond,), trigger, dry_run=dry)


@pytest.mark.parametrize(
    ("direction", "location", "side", "price", "order_type"),
    [
        (Direction.BELOW, Location.LOWER, Side.SELL, D("8"), OrderType.OPEN_STOP),
        (Direction.BELOW, Location.LOWER, Side.BUY, D("8"), OrderType.LIMIT),
        (Direction.ABOVE, Location.HIGHER, Side.BUY, D("11.5"), OrderType.OPEN_STOP),
        (Direction.ABOVE, Location.HIGHER, Side.SELL, D("11.5"), OrderType.LIMIT),
    ],
)
def test_a_held_condition_orders_a_breakout_of_the_trigger_candle(
    direction, location, side, price, order_type
) -> None:
    intent = build_order(
        workflow(direction, location, side), holds=True, trigger=TRIGGER, close_price=D("10.6")
    )
    assert intent == OrderIntent(
        workflow_id="wf-1",
        workflow_name="Test",
        code="FRA40.I",
        price=price,
        quantity=D("9"),
        side=side,
        order_type=order_type,
        trigger_candle_time=T0,
        close_price=D("10.6"),
    )


@pytest.mark.parametrize(
    ("direction", "location"),
    [(Direction.BELOW, Location.HIGHER), (Direction.ABOVE, Location.LOWER)],
)
@pytest.mark.parametrize("side", [Side.BUY, Side.SELL])
def test_a_location_that_does_not_match_the_direction_places_no_order(direction, location, side):
    result = build_order(
        workflow(direction, location, side), holds=True, trigger=TRIGGER, close_price=D("1")
    )
    assert isinstance(result, SkipReason)
    assert result.code == SkipCode.LOCATION_MISMATCH


@pytest.mark.parametrize("direction", [Direction.BELOW, Direction.ABOVE])
def test_a_false_condition_places_no_order(direction) -> None:
    location = Location.LOWER if direction == Direction.BELOW else Location.HIGHER
    result = build_order(
        workflow(direction, location, Side.SELL), holds=False, trigger=TRIGGER, close_price=D("1")
    )
    assert result == SkipReason(SkipCode.CONDITION_FALSE, "condition does not hold")


@pytest.mark.parametrize(
    ("direction", "location", "offset", "price"),
    [
        (Direction.BELOW, Location.LOWER, "0.25", D("8.75")),
        (Direction.ABOVE, Location.HIGHER, "0.05", D("10.55")),
        (Direction.BELOW, Location.LOWER, "0", D("9")),
    ],
)
def test_the_workflow_offset_replaces_the_one_unit_default(direction, location, offset, price):
    spec = workflow(direction, location, Side.SELL, offset=offset)
    intent = build_order(spec, holds=True, trigger=TRIGGER, close_price=D("1"))
    assert isinstance(intent, OrderIntent)
    assert intent.price == price


@pytest.mark.parametrize("offset", ["9", "10"])
def test_an_order_priced_at_or_under_zero_is_not_placed(offset) -> None:
    spec = workflow(Direction.BELOW, Location.LOWER, Side.SELL, offset=offset)
    result = build_order(spec, holds=True, trigger=TRIGGER, close_price=D("1"))
    assert isinstance(result, SkipReason)
    assert result.code == SkipCode.PRICE_NOT_POSITIVE


def test_a_dry_run_workflow_marks_its_order_as_dry_run() -> None:
    spec = workflow(Direction.ABOVE, Location.HIGHER, Side.BUY, dry=True)
    intent = build_order(spec, holds=True, trigger=TRIGGER, close_price=D("1"))
    assert isinstance(intent, OrderIntent) and intent.dry_run is True


def test_the_derived_combo_sell_h1_dax_vector_sells_open_stop_one_under_the_low() -> None:
    trigger = Candle(T0, D("18164.51"), D("18185.66"), D("18140.82"), D("18168.19"))
    spec = workflow(Direction.BELOW, Location.LOWER, Side.SELL)
    intent = build_order(spec, holds=True, trigger=trigger, close_price=D("18168.19"))
    assert isinstance(intent, OrderIntent)
    assert (intent.price, intent.order_type) == (D("18139.82"), OrderType.OPEN_STOP)
