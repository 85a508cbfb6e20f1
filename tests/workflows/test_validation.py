"""Every validation rule of SPEC §2, through the one shared path (WorkflowIn)."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from workflows.core.types import Direction, IndicatorName, Location, Side, UnitTime
from workflows.validation import WorkflowIn, error_lines, format_errors

BASE: dict[str, Any] = {
    "name": "sell bbh h1 dax",
    "index": "DAX.I",
    "cfd": "GER40.I",
    "enable": True,
    "conditions": [
        {"indicator": {"name": "bbh", "ut": "h1"}, "close": {"direction": "below", "ut": "h1"}}
    ],
}


def with_(path: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    target: Any = doc
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    target[keys[-1]] = value
    return doc


def errors_of(doc: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        WorkflowIn.model_validate(doc)
    return dict(error_lines(info.value))


def test_a_minimal_workflow_is_valid_and_gets_the_default_sell_trigger_for_below():
    wf = WorkflowIn.model_validate(BASE)
    assert wf.trigger is not None
    assert (wf.trigger.ut, wf.trigger.location, wf.trigger.order_direction) == (
        UnitTime.H1, Location.LOWER, Side.SELL,
    )
    assert wf.trigger.quantity == Decimal("0.1") and wf.trigger.offset == Decimal("1")


def test_an_above_condition_gets_the_default_buy_higher_trigger():
    wf = WorkflowIn.model_validate(with_("conditions.0.close.direction", "above"))
    assert wf.trigger is not None
    assert (wf.trigger.location, wf.trigger.order_direction) == (Location.HIGHER, Side.BUY)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("conditions.0.indicator.name", "BBH"),
        ("conditions.0.indicator.ut", "H1"),
        ("conditions.0.close.direction", "Below"),
    ],
)
def test_enum_values_are_case_insensitive_and_stored_lower_case(path: str, value: str):
    wf = WorkflowIn.model_validate(with_(path, value))
    cond = wf.conditions[0]
    assert cond.indicator.name is IndicatorName.BBH
    assert cond.indicator.ut is UnitTime.H1
    assert cond.close.direction is Direction.BELOW


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("conditions.0.indicator.name", "supertrend", "conditions[0].indicator.name"),
        ("conditions.0.indicator.ut", "2h", "conditions[0].indicator.ut"),
        ("conditions.0.close.direction", "sideways", "conditions[0].close.direction"),
        ("conditions.0.close.ut", "yearly", "conditions[0].close.ut"),
        ("conditions.0.element", "open", "conditions[0].element"),
    ],
)
def test_unknown_enum_values_are_rejected_naming_the_field_and_value(path, value, field):
    errors = errors_of(with_(path, value))
    assert field in errors
    assert repr(value) in errors[field]


def test_the_default_trigger_follows_the_last_condition_not_the_first():
    """SPEC §5 step 2, reference §2.2: derived from the last parsed condition."""
    below = BASE["conditions"][0]
    above = {"indicator": {"name": "ma50", "ut": "h4"}, "close": {"direction": "above", "ut": "h1"}}

    buy = WorkflowIn.model_validate(with_("conditions", [below, above])).trigger
    sell = WorkflowIn.model_validate(with_("conditions", [above, below])).trigger

    assert (buy.location, buy.order_direction) == (Location.HIGHER, Side.BUY)
    assert (sell.location, sell.order_direction) == (Location.LOWER, Side.SELL)


def test_unknown_trigger_signal_is_rejected():
    doc = with_("trigger", {"ut": "h1", "signal": "pullback", "location": "lower",
                            "order_direction": "sell", "quantity": 1})
    assert "trigger.signal" in errors_of(doc)


def test_polarite_needs_a_value():
    errors = errors_of(with_("conditions.0.indicator", {"name": "polarite", "ut": "h1"}))
    assert "value is required" in errors["conditions[0].indicator"]


def test_zone_needs_both_bounds():
    doc = with_("conditions.0.indicator", {"name": "zone", "ut": "h1", "value": 10})
    assert "zone_value is required" in errors_of(doc)["conditions[0].indicator"]


def test_zone_bounds_are_stored_sorted():
    doc = with_("conditions.0.indicator", {"name": "zone", "ut": "h1", "value": 33.3,
                                           "zone_value": 31.8})
    ind = WorkflowIn.model_validate(doc).conditions[0].indicator
    assert (ind.value, ind.zone_value) == (Decimal("31.8"), Decimal("33.3"))


def test_inclined_needs_two_points():
    doc = with_("conditions.0.indicator", {"name": "inclined", "ut": "daily",
                                           "x1": {"x": "2026-01-02", "y": 10}})
    assert "x1 and x2" in errors_of(doc)["conditions[0].indicator"]


def test_inclined_points_need_different_dates():
    point = {"x": "2026-01-02", "y": 10}
    doc = with_("conditions.0.indicator", {"name": "inclined", "ut": "daily",
                                           "x1": point, "x2": point})
    assert "different dates" in errors_of(doc)["conditions[0].indicator"]


@pytest.mark.parametrize(
    ("x1", "x2", "words"),
    [
        ("2026-01-12", "2026-01-05", "x2 (2026-01-05) must be after x1 (2026-01-12)"),
        ("2026-01-10", "2026-01-11", "at least one weekday"),  # Saturday -> Sunday
    ],
)
def test_an_inclined_line_whose_second_point_is_not_after_the_first_is_rejected(x1, x2, words):
    doc = with_("conditions.0.indicator", {"name": "inclined", "ut": "daily",
                                           "x1": {"x": x1, "y": 10}, "x2": {"x": x2, "y": 12}})
    assert words in errors_of(doc)["conditions[0].indicator"]


def test_inclined_points_accept_date_and_price_keys_too():
    doc = with_("conditions.0.indicator", {
        "name": "inclined", "ut": "daily",
        "x1": {"date": "2026-01-02", "price": 10}, "x2": {"date": "2026/01/09", "price": "12.5"},
    })
    ind = WorkflowIn.model_validate(doc).conditions[0].indicator
    assert ind.x2 is not None
    assert (ind.x2.date, ind.x2.price) == (date(2026, 1, 9), Decimal("12.5"))


@pytest.mark.parametrize("quantity", [0, -1, "abc"])
def test_quantity_must_be_a_positive_number(quantity):
    doc = with_("trigger", {"ut": "h1", "signal": "breakout", "location": "lower",
                            "order_direction": "sell", "quantity": quantity})
    assert "trigger.quantity" in errors_of(doc)


def test_spread_must_not_be_negative_and_defaults_to_zero():
    assert "conditions[0].close.spread" in errors_of(with_("conditions.0.close.spread", -0.5))
    assert WorkflowIn.model_validate(BASE).conditions[0].close.spread == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2026/03/31", date(2026, 3, 31)), ("2026-03-31", date(2026, 3, 31)),
     (date(2026, 3, 31), date(2026, 3, 31)), (None, None)],
)
def test_end_date_accepts_both_text_formats_and_real_dates(raw, expected):
    assert WorkflowIn.model_validate(with_("end_date", raw)).end_date == expected


@pytest.mark.parametrize("raw", ["2024-13-01", "2024/02/30", "tomorrow", "31/12/2026"])
def test_end_date_must_be_a_real_date(raw):
    assert repr(raw) in errors_of(with_("end_date", raw))["end_date"]


@pytest.mark.parametrize("field", ["name", "index", "cfd"])
def test_required_text_fields_cannot_be_blank(field):
    assert field in errors_of(with_(field, "   "))


def test_names_are_stripped():
    assert WorkflowIn.model_validate(with_("name", "  spaced  ")).name == "spaced"


def test_at_least_one_condition_is_required():
    assert "conditions" in errors_of(with_("conditions", []))


def test_unknown_keys_are_rejected_so_typos_are_not_silently_ignored():
    assert "trigerr" in errors_of(with_("trigerr", {}))


def test_offset_is_per_workflow_and_not_negative():
    trigger = {"ut": "h1", "signal": "breakout", "location": "lower", "order_direction": "sell",
               "quantity": 1, "offset": 0.25}
    assert WorkflowIn.model_validate(with_("trigger", trigger)).trigger.offset == Decimal("0.25")
    assert "trigger.offset" in errors_of(with_("trigger", {**trigger, "offset": -1}))


def test_format_errors_names_the_workflow_and_the_field():
    with pytest.raises(ValidationError) as info:
        WorkflowIn.model_validate(with_("end_date", "2024-13-01"))
    (line,) = format_errors(info.value, workflow="sell bbh h1 dax")
    assert line.startswith("workflow 'sell bbh h1 dax': end_date: ")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("conditions.0.close.spread", "1e16", "less than"),
        ("conditions.0.close.spread", "0.000000001", "at most 8 decimal places"),
    ],
)
def test_numbers_the_database_cannot_hold_exactly_are_rejected(path, value, message):
    assert message in errors_of(with_(path, value))["conditions[0].close.spread"]


def test_a_quantity_below_the_stored_precision_is_rejected_not_rounded_to_zero():
    doc = with_("trigger", {"ut": "h1", "signal": "breakout", "location": "lower",
                            "order_direction": "sell", "quantity": 1e-9})
    assert "decimal places" in errors_of(doc)["trigger.quantity"]


# --- hostile input (SPEC §13) ------------------------------------------------------------------

@pytest.mark.parametrize("symbol", [
    "../../x", "/etc/passwd", "a/b", "..", ".hidden", "DAX.I\x00", "DAX I", "a\\b", "x" * 65,
    "ünï", "-DAX", "DAX\x01.I",
])
@pytest.mark.parametrize("field", ["index", "cfd"])
def test_symbols_that_are_not_symbols_are_refused(field: str, symbol: str) -> None:
    errors = errors_of(with_(field, symbol))
    assert field in errors
    assert "letters, digits" in errors[field] or "control character" in errors[field]


@pytest.mark.parametrize("symbol", ["DAX.I", "ITP:xpar", "US500.I", "BRK-B:xnys", "A", "x" * 64])
def test_real_symbols_pass(symbol: str) -> None:
    assert WorkflowIn.model_validate(with_("index", symbol)).index == symbol


def test_every_text_fits_its_column() -> None:
    from workflows.models import Workflow

    for field in ("name", "index", "cfd"):
        column = Workflow._meta.get_field(field).max_length
        errors = errors_of(with_(field, "A" * (column + 1)))
        assert field in errors, field
    assert WorkflowIn.model_validate(with_("name", "n" * 200)).name == "n" * 200


@pytest.mark.parametrize("name", ["a\x00b", "tab\there", "bell\x07", "line\nbreak", "del\x7f"])
def test_control_characters_are_refused_in_names(name: str) -> None:
    assert "control character" in errors_of(with_("name", name))["name"]


def test_at_most_20_conditions() -> None:
    condition = BASE["conditions"][0]
    assert len(WorkflowIn.model_validate(with_("conditions", [condition] * 20)).conditions) == 20
    errors = errors_of(with_("conditions", [condition] * 10_000))
    assert "at most 20" in errors["conditions"]
