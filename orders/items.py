"""OrderRecord <-> DynamoDB item: the model instance a write saves (`to_item`) and the record a
raw Query item becomes (`to_record`, through the model's attribute classes)."""

from __future__ import annotations

from dataclasses import fields
from datetime import timedelta
from typing import Any

from pynamodb.constants import NULL

from orders.models import WorkflowOrder
from orders.records import EPOCH, OrderRecord


def to_item(record: OrderRecord, ttl: int) -> WorkflowOrder:
    return WorkflowOrder(
        record.workflow_id,
        record.placed_at,
        id=record.id,
        workflow_name=record.workflow_name,
        order_code=record.order_code,
        order_price=record.order_price,
        order_quantity=record.order_quantity,
        order_direction=record.order_direction,
        order_type=record.order_type,
        asset_type=record.asset_type,
        trigger_close=record.trigger_close,
        trigger_candle_time=record.trigger_candle_time,
        dry_run=record.dry_run,
        broker=record.broker,
        broker_order_id=record.broker_order_id,
        execution_context=record.execution_context,
        ttl=EPOCH + timedelta(seconds=ttl),
        status=record.status,
        status_at=record.status_at,
        status_seq=record.status_seq if record.status else None,
        filled_price=record.filled_price,
        filled_quantity=record.filled_quantity,
        filled_at=record.filled_at,
        replaces=record.replaces,
        broker_error=record.broker_error,
        placed_day=record.placed_day,
    )


def to_record(item: dict[str, dict[str, Any]]) -> OrderRecord:
    """A raw DynamoDB item -> OrderRecord, through the model's attribute classes (building a
    model instance first costs about as much again as the query's HTTP round trip)."""
    values: dict[str, Any] = {}
    for name, typed in item.items():
        attribute = _RECORD_ATTRIBUTES.get(name)
        if attribute is not None:
            ((kind, raw),) = typed.items()
            values[name] = None if kind == NULL else attribute.deserialize(raw)
    values["dry_run"] = bool(values.get("dry_run"))
    values["broker"] = values.get("broker") or "notify"
    values["execution_context"] = values.get("execution_context") or ""
    values["status_seq"] = int(values.get("status_seq") or 0)
    return OrderRecord(**values)


_RECORD_ATTRIBUTES = {
    name: attribute
    for name, attribute in WorkflowOrder.get_attributes().items()
    if name in {field.name for field in fields(OrderRecord)}
}
