"""The one definition mapping: model column <-> nested definition path <-> label.

A workflow definition has five shapes: the model rows (`Workflow`, `Condition`), the nested
`WorkflowIn` input (API body, YAML, forms), the engine's `WorkflowSpec`, the admin forms and the
page form. `WORKFLOW_COLUMNS` and `CONDITION_COLUMNS` are the one table between them; every
conversion below derives from it, so a new condition field is a row here plus its model column
(and migration) and its rule in `WorkflowIn`.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from workflows.core.types import WorkflowSpec
from workflows.models import Condition, Workflow
from workflows.validation import ConditionIn, WorkflowIn


@dataclass(frozen=True)
class Column:
    """One model field: `name` (the column, also the form field), where it sits in the nested
    definition (`path`, inside the workflow or inside one condition) and its form `label`."""

    name: str
    path: tuple[str, ...]
    label: str

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


WORKFLOW_COLUMNS: tuple[Column, ...] = (
    Column("name", ("name",), "Name"),
    Column("index", ("index",), "Index"),
    Column("cfd", ("cfd",), "CFD"),
    Column("enabled", ("enabled",), "Enabled"),
    Column("dry_run", ("dry_run",), "Dry run"),
    Column("is_us", ("is_us",), "US market"),
    Column("end_date", ("end_date",), "End date"),
    Column("trigger_ut", ("trigger", "ut"), "Trigger unit time"),
    Column("trigger_signal", ("trigger", "signal"), "Signal"),
    Column("trigger_location", ("trigger", "location"), "Location"),
    Column("trigger_order_direction", ("trigger", "order_direction"), "Order direction"),
    Column("trigger_quantity", ("trigger", "quantity"), "Quantity"),
    Column("trigger_offset", ("trigger", "offset"), "Offset"),
)

CONDITION_COLUMNS: tuple[Column, ...] = (
    Column("indicator_name", ("indicator", "name"), "Indicator"),
    Column("indicator_ut", ("indicator", "ut"), "Indicator unit time"),
    Column("value", ("indicator", "value"), "Value"),
    Column("zone_value", ("indicator", "zone_value"), "Zone value (upper bound)"),
    Column("x1_date", ("indicator", "x1", "date"), "Point 1 date"),
    Column("x1_price", ("indicator", "x1", "price"), "Point 1 price"),
    Column("x2_date", ("indicator", "x2", "date"), "Point 2 date"),
    Column("x2_price", ("indicator", "x2", "price"), "Point 2 price"),
    Column("close_direction", ("close", "direction"), "Close direction"),
    Column("close_ut", ("close", "ut"), "Close unit time"),
    Column("spread", ("close", "spread"), "Spread"),
    Column("element", ("element",), "Element"),
)

# Groups that are absent (None) when none of their columns has a value: the inclined points.
OPTIONAL_GROUPS = frozenset({("indicator", "x1"), ("indicator", "x2")})
# The indicator's cross-field rules report on "indicator"; the message names the field.
_INDICATOR_RULES = (("zone_value", "zone_value"), ("x1 and x2", "x1_date"), ("value", "value"))
LABELS = {column.name: column.label for column in (*WORKFLOW_COLUMNS, *CONDITION_COLUMNS)}
_BLANK = (None, "")


def columns_under(columns: Iterable[Column], group: str) -> tuple[Column, ...]:
    """The columns whose path starts with `group` (e.g. "trigger")."""
    return tuple(column for column in columns if column.path[0] == group)


# --- flat column values <-> nested definition -----------------------------------------------


def nest(values: Mapping[str, Any], columns: Iterable[Column]) -> dict[str, Any]:
    """Flat column values (a form's data) -> the nested `WorkflowIn` input. Blank values are
    left out, so `WorkflowIn` applies its default or says "Field required"; an optional group
    with nothing given is left out."""
    nested: dict[str, Any] = {}
    for column in columns:
        value = values.get(column.name)
        if value in _BLANK:
            continue
        node = nested
        for key in column.path[:-1]:
            node = node.setdefault(key, {})
        node[column.path[-1]] = value
    return nested


def shape(values: Mapping[str, Any], columns: Iterable[Column]) -> dict[str, Any]:
    """Flat column values (a row's) -> the nested definition with every path present: blanks
    are None, and so is an optional group with no value (the API and export shape)."""
    nested: dict[str, Any] = {}
    for column in columns:
        node = nested
        for key in column.path[:-1]:
            node = node.setdefault(key, {})
        value = values.get(column.name)
        node[column.path[-1]] = None if value in _BLANK else value
    for group in OPTIONAL_GROUPS:
        parent = _walk(nested, group[:-1])
        if isinstance(parent, dict) and isinstance(parent.get(group[-1]), dict):
            if all(v is None for v in parent[group[-1]].values()):
                parent[group[-1]] = None
    return nested


def flatten(nested: Mapping[str, Any], columns: Iterable[Column]) -> dict[str, Any]:
    """The nested definition -> flat column values (None where a path is absent)."""
    return {column.name: _walk(nested, column.path) for column in columns}


def _walk(nested: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(nested, Mapping):
            return None
        nested = nested.get(key)
    return nested


def column_for(path: str, message: str = "", *, columns: Iterable[Column]) -> str | None:
    """The column a validation error at `path` (relative to the workflow or the condition,
    e.g. "trigger.ut", "indicator.x1.date") belongs to; None: it concerns the whole form."""
    columns = tuple(columns)
    for column in columns:
        if column.dotted == path:
            return column.name
    if path == "indicator":
        return next((name for needle, name in _INDICATOR_RULES if needle in message), None)
    return next((c.name for c in columns if c.dotted.startswith(f"{path}.")), None)


# --- rows -> definition, definition -> rows --------------------------------------------------


def _num(value: Decimal) -> Decimal:
    """Strip the DB's trailing zeros so 0.10000000 compares and exports as 0.1."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def row_values(row: models.Model, columns: Iterable[Column]) -> dict[str, Any]:
    """A row's column values, decimals without the DB's trailing zeros, blank text as None."""
    values = {column.name: getattr(row, column.name) for column in columns}
    return {name: _num(v) if isinstance(v, Decimal) else (None if v == "" else v)
            for name, v in values.items()}


def condition_dict(row: Condition) -> dict[str, Any]:
    """One condition row as the nested definition (every key present)."""
    return shape(row_values(row, CONDITION_COLUMNS), CONDITION_COLUMNS)


def definition_dict(workflow: Workflow) -> dict[str, Any]:
    """A workflow row and its conditions as the nested definition, read straight from the row
    (the API's output; nothing is re-validated)."""
    nested = shape(row_values(workflow, WORKFLOW_COLUMNS), WORKFLOW_COLUMNS)
    return {**nested, "conditions": [condition_dict(row) for row in workflow.conditions.all()]}


def definition_from_workflow(workflow: Workflow) -> WorkflowIn:
    """The validated definition a stored workflow corresponds to (YAML export)."""
    return WorkflowIn.model_validate(definition_dict(workflow))


def _stored(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Enum members as their value; None as the default of a non-null column."""
    stored = {}
    for name, value in values.items():
        if isinstance(value, enum.Enum):
            value = value.value
        elif value is None and not model._meta.get_field(name).null:
            value = model._meta.get_field(name).get_default()
        stored[name] = value
    return stored


def workflow_fields(definition: WorkflowIn) -> dict[str, Any]:
    """Workflow model field values for a definition (conditions excluded)."""
    return _stored(Workflow, flatten(_attributes(definition), WORKFLOW_COLUMNS))


def condition_fields(condition: ConditionIn, position: int) -> dict[str, Any]:
    """Condition model field values for one condition of a definition."""
    fields = _stored(Condition, flatten(_attributes(condition), CONDITION_COLUMNS))
    return {"position": position, **fields}


def _attributes(model: Any) -> dict[str, Any]:
    """A pydantic model as nested dicts, keeping enum members and Decimals as they are."""
    return model.model_dump(mode="python")


# --- row -> engine spec ------------------------------------------------------------------------


def spec_from_workflow(workflow: Workflow) -> WorkflowSpec:
    """The frozen engine view of a stored workflow (conditions in order)."""
    nested = definition_dict(workflow)
    nested.update(id=str(workflow.id), archived=workflow.archived_at is not None)
    return _build(WorkflowSpec, nested)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _build(hint: Any, value: Any) -> Any:
    """`value` (plain nested data) as `hint`: dataclasses field by field, enums by value,
    tuples item by item; None stays None (an optional field)."""
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        origin = typing.get_origin(hint)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_build(item, v) for v in value)
    if dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return hint(**{f.name: _build(hints[f.name], value[f.name])
                       for f in dataclasses.fields(hint) if f.name in value})
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    return value
