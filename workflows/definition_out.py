"""The API's output shape of a workflow definition, derived from its input shape.

`WorkflowIn` (validation.py) is the definition's one typed description; the answer mirrors it
field for field so a new definition field needs no schema edit here: enums answer as their
string value, decimals as JSON numbers, and a field is nullable exactly when its input accepts
None. The values come from the row (`specs.definition_dict`), never re-validated.
"""

from __future__ import annotations

import enum
import types
import typing
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import BaseModel, create_model

from workflows.validation import ConditionIn, PointIn, TriggerIn, WorkflowIn

_OUT: dict[type[BaseModel], type[Schema]] = {}


def _out_type(annotation: Any) -> Any:
    """The output type of an input annotation (Annotated metadata dropped)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _out_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        inner = [_out_type(a) for a in args if a is not type(None)]
        (single,) = inner
        return single | None if type(None) in args else single
    if origin is list:
        return list[_out_type(typing.get_args(annotation)[0])]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return str
    if annotation is Decimal:
        return float
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return mirror(annotation)
    return annotation


def mirror(model: type[BaseModel], *, fields: tuple[str, ...] | None = None,
           name: str | None = None) -> type[Schema]:
    """The output schema of input `model` (of only `fields` when given); `PointIn` -> `PointOut`."""
    name = name or model.__name__.removesuffix("In") + "Out"
    if fields is None and model in _OUT:
        return _OUT[model]
    chosen = fields or tuple(model.model_fields)
    schema = create_model(  # every key is always present: no defaults
        name, __base__=Schema, __module__=__name__,
        **{f: (_out_type(model.model_fields[f].annotation), ...) for f in chosen},
    )
    if fields is None:
        _OUT[model] = schema
    return schema


PointOut = mirror(PointIn)
ConditionOut = mirror(ConditionIn)
TriggerOut = mirror(TriggerIn)
# The workflow's own scalar fields (its conditions and trigger are nested schemas above).
DefinitionFieldsOut = mirror(
    WorkflowIn, name="DefinitionFieldsOut",
    fields=tuple(f for f in WorkflowIn.model_fields if f not in ("conditions", "trigger")),
)
