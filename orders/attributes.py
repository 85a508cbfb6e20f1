"""PynamoDB attributes for exact numbers.

PynamoDB's NumberAttribute goes through float/json, which loses digits: prices and quantities
must stay `Decimal`, and `placed_at` must keep its microseconds exactly (SPEC §6.1).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from pynamodb.attributes import Attribute
from pynamodb.constants import NUMBER

from orders.records import EPOCH

_MICRO = Decimal("0.000001")


def _to_decimal(value: Any) -> Decimal:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


class DecimalAttribute(Attribute[Decimal]):
    """A DynamoDB number (N) read and written as an exact `Decimal`."""

    attr_type = NUMBER

    def serialize(self, value: Any) -> str:
        return format(_to_decimal(value), "f")

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


def datetime_to_epoch(value: datetime) -> Decimal:
    """Aware datetime -> epoch seconds with the microseconds as an exact decimal fraction."""
    if value.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    delta = value - EPOCH
    whole = delta.days * 86400 + delta.seconds
    return Decimal(whole) + Decimal(delta.microseconds).scaleb(-6)


def epoch_to_datetime(value: Decimal) -> datetime:
    """Epoch seconds (whole or fractional) -> aware UTC datetime, rounded to the microsecond."""
    micros = int((value / _MICRO).to_integral_value(rounding=ROUND_HALF_EVEN))
    return EPOCH + timedelta(microseconds=micros)


class EpochDateTimeAttribute(Attribute[datetime]):
    """An aware UTC datetime stored as N: epoch seconds with microseconds as a decimal fraction.

    Rows written with whole seconds (other tools, the original system) read back correctly.
    """

    attr_type = NUMBER

    def serialize(self, value: datetime) -> str:
        return format(datetime_to_epoch(value), "f")

    def deserialize(self, value: str) -> datetime:
        return epoch_to_datetime(Decimal(value)).astimezone(UTC)
