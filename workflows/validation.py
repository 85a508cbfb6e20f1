"""The one validation path for workflow definitions (admin, forms, YAML import, API).

`WorkflowIn` is a pydantic model: django-ninja uses it as the request body, the YAML importer
and the forms feed it plain dicts. `format_errors` turns pydantic errors into lines that name
the workflow and the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from workflows.core.symbols import SYMBOL_RULE, is_symbol
from workflows.core.types import (
    DEFAULT_OFFSET,
    DEFAULT_QUANTITY,
    Direction,
    Element,
    IndicatorName,
    Location,
    Side,
    Signal,
    UnitTime,
)

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
_DATE_SHAPE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$")


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def parse_date(value: Any) -> date | None:
    """Accept a date, `YYYY-MM-DD`, `YYYY/MM/DD`; None/'' → None; anything else is an error."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if _DATE_SHAPE.match(text):
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise ValueError(f"{text!r} is not a real date (use YYYY-MM-DD or YYYY/MM/DD)")


def _to_decimal(value: Any) -> Any:
    """Floats from YAML/JSON become the Decimal of their shortest repr (0.1 → 0.1, not 0.1000…)."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and value.strip():
        return value.strip()
    return value


# What the database columns hold exactly (DecimalField(24, 8)): larger numbers would fail at
# save time and more decimals would be rounded silently (a quantity of 1e-9 would become 0).
STORED_DIGITS = 24
STORED_DECIMALS = 8
_STORED_LIMIT = Decimal(10) ** (STORED_DIGITS - STORED_DECIMALS)


def _storable(value: Decimal) -> Decimal:
    if abs(value) >= _STORED_LIMIT:
        raise ValueError(f"must be less than {_STORED_LIMIT:.0E} in absolute value (got {value})")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -STORED_DECIMALS:
        raise ValueError(f"at most {STORED_DECIMALS} decimal places (got {value})")
    return value


# SPEC §13: what the database columns hold (name 200, index/cfd 64), no control characters,
# symbols that can name a file, at most MAX_CONDITIONS conditions.
NAME_MAX_LENGTH = 200
MAX_CONDITIONS = 20
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def no_control(value: str) -> str:
    """Refuse NUL and other control characters (tab and newlines included: all our texts are
    single-line)."""
    found = CONTROL_CHARACTERS.search(value)
    if found:
        raise ValueError(f"control character {found.group()!r} is not allowed")
    return value


def _symbol(value: str) -> str:
    if not is_symbol(value):
        raise ValueError(SYMBOL_RULE)
    return value


def check_symbol_text(value: str) -> str:
    """An index/cfd as typed in a form: no control characters, then the symbol rule."""
    return _symbol(no_control(value))


LowerEnum = BeforeValidator(_lower)
Number = Annotated[
    Decimal, BeforeValidator(_to_decimal), Field(allow_inf_nan=False), AfterValidator(_storable)
]
RealDate = Annotated[date | None, BeforeValidator(parse_date)]
RequiredDate = Annotated[date, BeforeValidator(parse_date)]
Text = Annotated[
    str, Field(min_length=1, max_length=NAME_MAX_LENGTH), AfterValidator(no_control)
]
Symbol = Annotated[str, Field(min_length=1), AfterValidator(no_control), AfterValidator(_symbol)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)


class PointIn(_Strict):
    date: RequiredDate = Field(validation_alias=AliasChoices("date", "x"))
    price: Annotated[Number, Field(gt=0)] = Field(validation_alias=AliasChoices("price", "y"))


class IndicatorIn(_Strict):
    name: Annotated[IndicatorName, LowerEnum]
    ut: Annotated[UnitTime, LowerEnum]
    value: Number | None = None
    zone_value: Number | None = None
    x1: PointIn | None = None
    x2: PointIn | None = None

    @model_validator(mode="after")
    def _per_indicator_values(self) -> IndicatorIn:
        if self.name in (IndicatorName.POLARITE, IndicatorName.ZONE) and self.value is None:
            raise ValueError(f"value is required for a {self.name.value} indicator")
        if self.name is IndicatorName.ZONE:
            if self.zone_value is None:
                raise ValueError("zone_value is required for a zone indicator")
            low, high = sorted((self.value, self.zone_value))  # type: ignore[type-var]
            self.value, self.zone_value = low, high
        if self.name is IndicatorName.INCLINED:
            if self.x1 is None or self.x2 is None:
                raise ValueError("x1 and x2 points are required for an inclined indicator")
            _check_inclined_points(self.x1.date, self.x2.date)
        return self


def _check_inclined_points(x1: date, x2: date) -> None:
    """The line must go forward in time over at least one weekday (else it never has a value:
    the reference divides by zero). Exchange holidays are the engine's to report."""
    if x1 == x2:
        raise ValueError(f"x1 and x2 must have different dates (both {x1})")
    if x2 < x1:
        raise ValueError(f"x2 ({x2}) must be after x1 ({x1})")
    if all((x1 + timedelta(days=n)).weekday() >= 5 for n in range(1, (x2 - x1).days + 1)):
        raise ValueError(f"x1 ({x1}) and x2 ({x2}) must be at least one weekday apart")


class CloseIn(_Strict):
    direction: Annotated[Direction, LowerEnum]
    ut: Annotated[UnitTime, LowerEnum]
    spread: Annotated[Number, Field(ge=0)] = Decimal("0")

    @field_validator("spread", mode="before")
    @classmethod
    def _none_is_zero(cls, value: Any) -> Any:
        return Decimal("0") if value is None else value


class ConditionIn(_Strict):
    indicator: IndicatorIn
    close: CloseIn
    element: Annotated[Element | None, LowerEnum] = None

    @field_validator("element", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


class TriggerIn(_Strict):
    ut: Annotated[UnitTime, LowerEnum]
    signal: Annotated[Signal, LowerEnum] = Signal.BREAKOUT
    location: Annotated[Location, LowerEnum]
    order_direction: Annotated[Side, LowerEnum]
    quantity: Annotated[Number, Field(gt=0)]
    offset: Annotated[Number, Field(ge=0)] = DEFAULT_OFFSET

    @field_validator("offset", mode="before")
    @classmethod
    def _none_is_default(cls, value: Any) -> Any:
        return DEFAULT_OFFSET if value is None else value


def default_trigger(direction: Direction) -> TriggerIn:
    """SPEC §2: h1 breakout; lower + sell under a `below` condition, higher + buy above. The
    direction is the LAST condition's (reference §2.2), although only the first is evaluated."""
    below = direction is Direction.BELOW
    return TriggerIn(
        ut=UnitTime.H1,
        signal=Signal.BREAKOUT,
        location=Location.LOWER if below else Location.HIGHER,
        order_direction=Side.SELL if below else Side.BUY,
        quantity=DEFAULT_QUANTITY,
    )


class WorkflowIn(_Strict):
    """A complete workflow definition; `trigger` may be omitted and gets the default rule."""

    name: Text
    index: Symbol
    cfd: Symbol
    enabled: bool = Field(default=True, validation_alias=AliasChoices("enabled", "enable"))
    dry_run: bool = False
    is_us: bool = False
    end_date: RealDate = None
    conditions: list[ConditionIn] = Field(min_length=1, max_length=MAX_CONDITIONS)
    trigger: TriggerIn | None = None

    @model_validator(mode="after")
    def _fill_trigger(self) -> WorkflowIn:
        if self.trigger is None:
            self.trigger = default_trigger(self.conditions[-1].close.direction)
        return self


class WorkflowApiIn(WorkflowIn):
    """The API's request body (POST and PUT): a workflow is a dry run unless the request says
    `dry_run: false` (SPEC §7, §13; the original API's default). The YAML loader keeps
    `WorkflowIn`'s default (false, as the reference loader), the page form its own (checked)."""

    dry_run: bool = True


def _loc(parts: tuple[int | str, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "workflow"


def error_lines(exc: ValidationError) -> list[tuple[str, str]]:
    """(field path, message) pairs, e.g. ("conditions[0].indicator.zone_value", "...")."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = str(err["msg"]).removeprefix("Value error, ")
        given = err.get("input")
        if err["type"] != "missing" and not isinstance(given, dict | list | BaseModel):
            if repr(given) not in message:
                message = f"{message} (got {given!r})"
        lines.append((_loc(loc), message))
    return lines


def format_errors(exc: ValidationError, *, workflow: str) -> list[str]:
    """One line per error naming the workflow and the field."""
    return [f"workflow {workflow!r}: {field}: {message}" for field, message in error_lines(exc)]
