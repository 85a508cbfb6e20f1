"""Formatting filters of the pages (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from workflows.templatetags.workflow_tags import (
    direction_badge,
    number,
    price,
    relative_label,
    relative_time,
)

NOW = datetime(2026, 2, 22, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "label"),
    [
        (timedelta(seconds=0), "Just now"),
        (timedelta(seconds=59), "Just now"),
        (timedelta(seconds=-30), "Just now"),  # clock skew: never "in the future"
        (timedelta(minutes=1), "1m ago"),
        (timedelta(minutes=59, seconds=59), "59m ago"),
        (timedelta(hours=1), "1h ago"),
        (timedelta(hours=23, minutes=59), "23h ago"),
        (timedelta(days=1), "1d ago"),
        (timedelta(days=6, hours=23), "6d ago"),
        (timedelta(days=7), "2026-02-15"),
    ],
)
def test_relative_label_follows_the_original_rule(age, label):
    assert relative_label(NOW - age, NOW) == label


def test_relative_time_carries_the_exact_utc_moment_for_the_local_time_script():
    html = relative_time(NOW - timedelta(hours=3), NOW)
    assert 'datetime="2026-02-22T11:30:00+00:00"' in html
    assert 'title="2026-02-22 11:30 UTC"' in html and ">3h ago</time>" in html


def test_relative_time_without_an_order_says_so():
    assert "No orders yet" in relative_time(None, NOW)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("22150.5"), "22,150.50"),
        (Decimal("30.52"), "30.52"),
        (Decimal("1.08345"), "1.08345"),
        (Decimal("100"), "100.00"),
        (Decimal("0.10000000"), "0.10"),
        (None, "-"),
    ],
)
def test_price_keeps_two_decimals_and_every_significant_digit(value, text):
    assert price(value) == text


def test_number_drops_trailing_zeros():
    assert number(Decimal("0.10000000")) == "0.1"
    assert number(Decimal("10.00000000")) == "10"


def test_direction_badge_is_escaped_and_coloured():
    assert direction_badge("buy") == '<span class="badge badge-buy">BUY</span>'
    assert direction_badge("<b>") == '<span class="badge badge-off">&lt;B&gt;</span>'
