"""Mapping between ORM rows, validated definitions (`WorkflowIn`) and engine specs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from workflows.core.types import (
    CloseSpec,
    ConditionSpec,
    Direction,
    Element,
    IndicatorName,
    IndicatorSpec,
    Location,
    Point,
    Side,
    Signal,
    TriggerSpec,
    UnitTime,
    WorkflowSpec,
)
from workflows.models import Condition, Workflow
from workflows.validation import ConditionIn, WorkflowIn


def _num(value: Decimal | None) -> Decimal | None:
    """Strip the DB's trailing zeros so 0.10000000 compares and exports as 0.1."""
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def _point(date_value: Any, price: Decimal | None) -> dict[str, Any] | None:
    if date_value is None or price is None:
        return None
    return {"date": date_value, "price": _num(price)}


def condition_dict(row: Condition) -> dict[str, Any]:
    return {
        "indicator": {
            "name": row.indicator_name,
            "ut": row.indicator_ut,
            "value": _num(row.value),
            "zone_value": _num(row.zone_value),
            "x1": _point(row.x1_date, row.x1_price),
            "x2": _point(row.x2_date, row.x2_price),
        },
        "close": {"direction": row.close_direction, "ut": row.close_ut, "spread": _num(row.spread)},
        "element": row.element or None,
    }


def definition_from_workflow(workflow: Workflow) -> WorkflowIn:
    """The validated definition a stored workflow corresponds to."""
    return WorkflowIn.model_validate(
        {
            "name": workflow.name,
            "index": workflow.index,
            "cfd": workflow.cfd,
            "enabled": workflow.enabled,
            "dry_run": workflow.dry_run,
            "is_us": workflow.is_us,
            "end_date": workflow.end_date,
            "conditions": [condition_dict(row) for row in workflow.conditions.all()],
            "trigger": {
                "ut": workflow.trigger_ut,
                "signal": workflow.trigger_signal,
                "location": workflow.trigger_location,
                "order_direction": workflow.trigger_order_direction,
                "quantity": _num(workflow.trigger_quantity),
                "offset": _num(workflow.trigger_offset),
            },
        }
    )


def workflow_fields(definition: WorkflowIn) -> dict[str, Any]:
    """Workflow model field values for a definition (conditions excluded)."""
    trigger = definition.trigger
    assert trigger is not None  # filled by WorkflowIn's validator
    return {
        "name": definition.name,
        "index": definition.index,
        "cfd": definition.cfd,
        "enabled": definition.enabled,
        "dry_run": definition.dry_run,
        "is_us": definition.is_us,
        "end_date": definition.end_date,
        "trigger_ut": trigger.ut.value,
        "trigger_signal": trigger.signal.value,
        "trigger_location": trigger.location.value,
        "trigger_order_direction": trigger.order_direction.value,
        "trigger_quantity": trigger.quantity,
        "trigger_offset": trigger.offset,
    }


def condition_fields(condition: ConditionIn, position: int) -> dict[str, Any]:
    ind = condition.indicator
    return {
        "position": position,
        "indicator_name": ind.name.value,
        "indicator_ut": ind.ut.value,
        "value": ind.value,
        "zone_value": ind.zone_value,
        "x1_date": ind.x1.date if ind.x1 else None,
        "x1_price": ind.x1.price if ind.x1 else None,
        "x2_date": ind.x2.date if ind.x2 else None,
        "x2_price": ind.x2.price if ind.x2 else None,
        "close_direction": condition.close.direction.value,
        "close_ut": condition.close.ut.value,
        "spread": condition.close.spread,
        "element": condition.element.value if condition.element else "",
    }


def _condition_spec(row: Condition) -> ConditionSpec:
    x1 = Point(row.x1_date, _num(row.x1_price)) if row.x1_date and row.x1_price else None
    x2 = Point(row.x2_date, _num(row.x2_price)) if row.x2_date and row.x2_price else None
    return ConditionSpec(
        indicator=IndicatorSpec(
            name=IndicatorName(row.indicator_name),
            ut=UnitTime(row.indicator_ut),
            value=_num(row.value),
            zone_value=_num(row.zone_value),
            x1=x1,
            x2=x2,
        ),
        close=CloseSpec(
            direction=Direction(row.close_direction),
            ut=UnitTime(row.close_ut),
            spread=_num(row.spread) or Decimal("0"),
        ),
        element=Element(row.element) if row.element else None,
    )


def spec_from_workflow(workflow: Workflow) -> WorkflowSpec:
    """The frozen engine view of a stored workflow (conditions in order)."""
    return WorkflowSpec(
        id=str(workflow.id),
        name=workflow.name,
        index=workflow.index,
        cfd=workflow.cfd,
        conditions=tuple(_condition_spec(row) for row in workflow.conditions.all()),
        trigger=TriggerSpec(
            ut=UnitTime(workflow.trigger_ut),
            signal=Signal(workflow.trigger_signal),
            location=Location(workflow.trigger_location),
            order_direction=Side(workflow.trigger_order_direction),
            quantity=_num(workflow.trigger_quantity) or Decimal("0"),
            offset=_num(workflow.trigger_offset) or Decimal("0"),
        ),
        enabled=workflow.enabled,
        dry_run=workflow.dry_run,
        is_us=workflow.is_us,
        end_date=workflow.end_date,
        archived=workflow.archived_at is not None,
    )
