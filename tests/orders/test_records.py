"""Pure conversions: epoch timestamps, decimals, record <-> dict (no server, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from orders.attributes import (
    DecimalAttribute,
    EpochDateTimeAttribute,
    datetime_to_epoch,
    epoch_to_datetime,
)
from orders.records import record_from_dict, record_to_dict
from tests.fixtures.order_store import make_order_record


@pytest.mark.parametrize(
    ("moment", "epoch"),
    [
        (datetime(2026, 2, 22, 14, 30, tzinfo=UTC), Decimal("1771770600")),
        (datetime(2026, 2, 22, 14, 30, 0, 1, tzinfo=UTC), Decimal("1771770600.000001")),
        (datetime(2026, 2, 22, 14, 30, 0, 999999, tzinfo=UTC),
         Decimal("1771770600.999999")),
        (datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC), Decimal("-0.5")),
    ],
)
def test_placed_at_is_epoch_seconds_with_exact_microseconds(moment, epoch) -> None:
    assert datetime_to_epoch(moment) == epoch
    assert epoch_to_datetime(epoch) == moment


def test_placed_at_serialises_without_float_rounding() -> None:
    attribute = EpochDateTimeAttribute()
    moment = datetime(2026, 2, 22, 14, 30, 0, 123457, tzinfo=UTC)

    assert attribute.serialize(moment) == "1771770600.123457"
    assert attribute.deserialize("1771770600") == moment.replace(microsecond=0)
    assert attribute.deserialize("1771770600.123457") == moment


def test_a_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError):
        datetime_to_epoch(datetime(2026, 2, 22))


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("0.1"), "0.1"), (Decimal("1E+2"), "100"), (Decimal("22150.50"), "22150.50"),
     (3, "3")],
)
def test_decimal_attribute_writes_plain_exact_numbers(value, text) -> None:
    assert DecimalAttribute().serialize(value) == text
    assert DecimalAttribute().deserialize(text) == Decimal(text)


def test_decimal_attribute_refuses_nan() -> None:
    with pytest.raises(ValueError):
        DecimalAttribute().serialize(Decimal("NaN"))


@pytest.mark.parametrize("days", [7, 30])
def test_ttl_is_floor_of_placed_at_plus_the_retention_window(days) -> None:
    record = make_order_record(
        placed_at=datetime(2026, 2, 22, 14, 30, 0, 999999, tzinfo=UTC)
    )
    assert record.ttl(timedelta(days=days)) == 1771770600 + days * 86400


def test_a_record_round_trips_through_its_json_dict() -> None:
    record = make_order_record(placed_at=datetime.now(UTC) - timedelta(seconds=1))
    assert record_from_dict(record_to_dict(record)) == record
