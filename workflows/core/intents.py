"""A held condition + the trigger candle -> the order to place, or why there is none
(SPEC §4, reference §6.1 with the per-workflow offset). Pure Python, no Django."""

from __future__ import annotations

from decimal import Decimal

from workflows.core.types import (
    Candle,
    Direction,
    Location,
    OrderIntent,
    OrderType,
    Side,
    SkipCode,
    SkipReason,
    WorkflowSpec,
)

# The location a breakout needs for each close direction.
BREAKOUT_LOCATION = {Direction.BELOW: Location.LOWER, Direction.ABOVE: Location.HIGHER}
# The side that trades in the breakout's direction: a stop entry; the other side is a limit.
STOP_SIDE = {Location.LOWER: Side.SELL, Location.HIGHER: Side.BUY}


def order_type(location: Location, side: Side) -> OrderType:
    return OrderType.OPEN_STOP if STOP_SIDE[location] == side else OrderType.LIMIT


def breakout_price(location: Location, trigger: Candle, offset: Decimal) -> Decimal:
    """Trigger-candle low − offset for a lower breakout, high + offset for a higher one."""
    return trigger.low - offset if location == Location.LOWER else trigger.high + offset


def build_order(
    spec: WorkflowSpec, *, holds: bool, trigger: Candle, close_price: Decimal
) -> OrderIntent | SkipReason:
    """The order of a workflow whose first condition was evaluated (`holds`), priced from the
    `trigger` candle; `close_price` is the close candle's close (notification, record).

    No order when the condition is false, when the trigger location does not match the close
    direction (below needs lower, above needs higher), or when the price would be ≤ 0."""
    if not holds:
        return SkipReason(SkipCode.CONDITION_FALSE, "condition does not hold")
    direction, t = spec.condition.close.direction, spec.trigger
    if BREAKOUT_LOCATION[direction] != t.location:
        message = (
            f"we don't manage order {direction.value} with trigger location {t.location.value}"
        )
        return SkipReason(SkipCode.LOCATION_MISMATCH, message)
    price = breakout_price(t.location, trigger, t.offset)
    if price <= 0:
        message = f"order price {price} ≤ 0 (trigger low {trigger.low}, offset {t.offset})"
        if t.location == Location.HIGHER:
            message = f"order price {price} ≤ 0 (trigger high {trigger.high}, offset {t.offset})"
        return SkipReason(SkipCode.PRICE_NOT_POSITIVE, message)
    return OrderIntent(
        workflow_id=spec.id,
        workflow_name=spec.name,
        code=spec.cfd,
        price=price,
        quantity=t.quantity,
        side=t.order_direction,
        order_type=order_type(t.location, t.order_direction),
        trigger_candle_time=trigger.time,
        close_price=close_price,
        dry_run=spec.dry_run,
    )
