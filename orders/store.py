"""Every DynamoDB call of the order history: queries, conditional writes, table admin.

With connection.py (which table on which endpoint, the shared client, `guard`) and items.py
(record <-> item), the only code that touches PynamoDB. Every call runs inside
`connection.guard`: any failure of the client library (PynamoDB or botocore errors, timeouts
whose `response` is None, throttling, resets, anything it raises) becomes one
`OrderStoreUnavailable` naming the operation, endpoint and table; no read ever turns a
failure into an empty answer. The client has short timeouts and bounded retries
(KORDER_DYNAMODB_CONNECT_TIMEOUT_MS / _READ_TIMEOUT_MS / _MAX_RETRIES): a frozen store fails
a call in seconds, never hangs it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.constants import ALL_OLD
from pynamodb.exceptions import (
    PutError,
    QueryError,
    TableDoesNotExist,
    UpdateError,
)

from orders.attributes import datetime_to_epoch, epoch_to_datetime
from orders.connection import current_binding, error_code, error_message, guard
from orders.errors import DayIndexMissing, OrderCollision, OrderStoreUnavailable
from orders.items import to_item, to_record
from orders.lifecycle import StatusChange
from orders.models import WorkflowOrder
from orders.records import OrderRecord

log = logging.getLogger(__name__)

_TABLE_POLL_SECONDS = 0.05
_TABLE_WAIT_SECONDS = 60.0
_INDEX_RETRY_SECONDS = 300.0
_COUNT_INDEX_MISSING: dict[tuple[str | None, str], float] = {}  # binding -> when found missing


# --- table administration ----------------------------------------------------------------

def describe_table() -> dict:
    """DescribeTable: the cheap liveness probe. A missing table is 'unavailable' too."""
    with guard("DescribeTable"):
        try:
            return WorkflowOrder.describe_table()
        except TableDoesNotExist as exc:
            raise OrderStoreUnavailable(
                f"order table {current_binding().table_name!r} does not exist "
                "(run `manage.py create_order_table`)",
                public="the order table does not exist",
            ) from exc


def create_table(*, ignore_ttl_errors: bool) -> bool:
    """Create the table (PAY_PER_REQUEST, id-index, count-index) if missing, wait until ACTIVE,
    enable TTL.

    Returns True when it created the table; an existing table is left as it is.
    `ignore_ttl_errors` is for servers without UpdateTimeToLive (dynalite).
    """
    with guard("CreateTable"):
        if WorkflowOrder.exists():
            return False
        # PynamoDB tries TTL right away (fails on AWS while CREATING) and polls every 2 s.
        WorkflowOrder.create_table(
            wait=False, billing_mode="PAY_PER_REQUEST", ignore_update_ttl_errors=True
        )
        _wait_active()
        if not _ttl_enabled():
            WorkflowOrder.update_ttl(ignore_ttl_errors)
    return True


def _wait_active() -> None:
    deadline = time.monotonic() + _TABLE_WAIT_SECONDS
    while WorkflowOrder.describe_table().get("TableStatus") != "ACTIVE":
        if time.monotonic() > deadline:
            raise OrderStoreUnavailable("order table did not become ACTIVE in time")
        time.sleep(_TABLE_POLL_SECONDS)


def _ttl_enabled() -> bool:
    connection = WorkflowOrder._get_connection()
    try:
        reply = connection.connection.client.describe_time_to_live(
            TableName=connection.table_name
        )
    except (ClientError, BotoCoreError):
        return False  # e.g. dynalite: no TTL API at all
    status = reply.get("TimeToLiveDescription", {}).get("TimeToLiveStatus")
    return status in {"ENABLED", "ENABLING"}


def delete_table() -> None:
    with guard("DeleteTable"):
        if WorkflowOrder.exists():
            WorkflowOrder.delete_table()


# --- writes -----------------------------------------------------------------------------

def put_order(*, record: OrderRecord, ttl: int) -> Literal["stored", "duplicate"]:
    """Conditional put (attribute_not_exists): never overwrites.

    A replay of the same record (same id at the same key) is a no-op: "duplicate".
    Raises OrderCollision when another record holds the key, OrderStoreUnavailable on failure.
    """
    item = to_item(record, ttl)
    with guard("PutItem"):
        try:
            item.save(condition=WorkflowOrder.workflow_id.does_not_exist())
            return "stored"
        except PutError as exc:
            if error_code(exc) != "ConditionalCheckFailedException":
                raise
        existing = WorkflowOrder.get(record.workflow_id, record.placed_at, consistent_read=True)
    if existing.id != record.id:
        raise OrderCollision(
            f"order {existing.id} already holds key ({record.workflow_id}, "
            f"{record.placed_at.isoformat()}); order {record.id} was not written"
        )
    return "duplicate"


# --- outcome writes (SPEC §12) ---

def update_outcome(*, workflow_id: str, placed_at: datetime, order_id: str,
                   values: dict[str, Any]) -> bool:
    """Set `outcome_*` attributes of one row by a conditional UpdateItem: only a row that
    exists, holds `order_id` and is not final yet is changed; keys, TTL, placement facts and
    lifecycle attributes are never in the update. None values are left out (a measured
    horizon never goes back to unknown); an outcome measured at an earlier `outcome_at`
    than the stored one is refused. Returns False when the condition failed (row gone,
    already final, or measured later already). Raises ValueError for a non-outcome
    attribute, OrderStoreUnavailable.
    """
    foreign = [name for name in values if not name.startswith("outcome_")]
    if foreign:
        raise ValueError(f"update_outcome only writes outcome_* attributes, not {foreign}")
    actions = [getattr(WorkflowOrder, name).set(value)
               for name, value in values.items() if value is not None]
    not_final = (WorkflowOrder.outcome_final.does_not_exist()
                 | (WorkflowOrder.outcome_final == False))  # noqa: E712 - a condition, not a test
    condition = (WorkflowOrder.id == order_id) & not_final
    if values.get("outcome_at") is not None:  # a replay of an earlier moment never overwrites
        measured = values["outcome_at"]
        condition &= (WorkflowOrder.outcome_at.does_not_exist()
                      | (WorkflowOrder.outcome_at <= measured))
    keys = WorkflowOrder(workflow_id, placed_at)._get_hash_range_key_serialized_values()
    with guard("UpdateItem(outcome)"):
        try:
            WorkflowOrder._get_connection().update_item(
                keys[0], range_key=keys[1], actions=actions, condition=condition,
            )
        except UpdateError as exc:
            if error_code(exc) == "ConditionalCheckFailedException":
                return False
            raise
    return True
# --- end outcome writes ---


# --- lifecycle writes (SPEC §12) ---

def update_status(*, workflow_id: str, placed_at: datetime, change: StatusChange
                  ) -> dict[str, Any] | None:
    """Apply one lifecycle change by a conditional UpdateItem (SPEC §6.2): only on the row with
    this id, only if its status may move to `change.status` and `status_seq` grows. Sets only
    lifecycle attributes (never keys, TTL or placement facts).

    Returns the row as it was before (raw attributes) when applied, None when the condition
    refused it (replayed, older, or a terminal row). Raises OrderStoreUnavailable.
    """
    model = WorkflowOrder
    # NOT (seq >= new): true on rows written before the lifecycle (no status_seq) too. One
    # comparison: `lifecycle.sequence` ranks stages and makes terminal statuses final
    # (dynalite parses each extra clause at a cost of ~10 ms under load).
    condition = (model.id == change.order_id) & ~(model.status_seq >= change.seq)
    with guard("UpdateItem"):
        try:
            reply = model._get_connection().update_item(
                workflow_id, model.placed_at.serialize(placed_at), actions=_status_actions(change),
                condition=condition, return_values=ALL_OLD)
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
    return reply.get("Attributes", {})


def _status_actions(change: StatusChange) -> list[Any]:
    model = WorkflowOrder
    actions = [model.status.set(change.status.value), model.status_at.set(change.at),
               model.status_seq.set(change.seq)]
    if change.filled_quantity is not None:
        actions.append(model.filled_quantity.set(change.filled_quantity))
    if change.filled_price is not None:
        actions.append(model.filled_price.set(change.filled_price))
    if change.filled_at is not None:
        actions.append(model.filled_at.set(change.filled_at))
    if change.broker_error is not None:
        actions.append(model.broker_error.set(change.broker_error))
    return actions


def previous_status(old: dict[str, Any]) -> str:
    """The status a row held before an update (`update_status`'s return), "" when it had none."""
    return str(old.get("status", {}).get("S", ""))


def load_orders(rows: Iterable[tuple[OrderRecord, int]]) -> int:
    """Bulk load of (record, ttl) pairs with BatchWriteItem (25 a request), NOT conditional:
    only for filling a local store (benchmarks); the app records with `put_order`."""
    written = 0
    with guard("BatchWriteItem"), WorkflowOrder.batch_write() as batch:
        for record, ttl in rows:
            batch.save(to_item(record, ttl))
            written += 1
    return written


def delete_older_than(*, cutoff: datetime) -> int:
    """Delete rows placed before `cutoff` (maintenance only: this scans). Returns the count."""
    deleted = 0
    with guard("Scan/BatchWriteItem"):
        rows = WorkflowOrder.scan(
            filter_condition=WorkflowOrder.placed_at < cutoff,
            attributes_to_get=["workflow_id", "placed_at"],
        )
        with WorkflowOrder.batch_write() as batch:
            for row in rows:
                batch.delete(row)
                deleted += 1
    return deleted


# --- reads ------------------------------------------------------------------------------

@dataclass(frozen=True)
class OrderKey:
    """Where a newest-first read resumes: strictly older than this row (a table key)."""

    workflow_id: str
    placed_at: datetime


@dataclass(frozen=True)
class OrdersPage:
    records: list[OrderRecord]
    resume: OrderKey | None  # LastEvaluatedKey: the partition may hold older rows


def query_history(
    *, workflow_id: str, since: datetime, limit: int, before: datetime | None = None
) -> list[OrderRecord]:
    """Newest first, since <= placed_at (< before), at most `limit` rows (one request)."""
    if before is not None and before <= since:
        return []
    start = OrderKey(workflow_id, before) if before is not None else None
    return query_workflow_page(
        workflow_id=workflow_id, since=since, until=None, limit=limit, start=start
    ).records


def query_workflow_page(
    *, workflow_id: str, since: datetime, until: datetime | None, limit: int,
    start: OrderKey | None,
) -> OrdersPage:
    """One Query of a workflow's rows in [since, until], newest first, strictly older than
    `start` when given (its placed_at must lie in the range)."""
    condition = (WorkflowOrder.placed_at >= since if until is None
                 else WorkflowOrder.placed_at.between(since, until))
    with guard("Query"):
        reply = WorkflowOrder._get_connection().query(
            workflow_id, condition, scan_index_forward=False, limit=limit,
            exclusive_start_key=_start_key(start),
        )
    return _page(reply)


def query_day_page(
    *, day: str, since: datetime, until: datetime, limit: int, start: OrderKey | None
) -> OrdersPage:
    """One Query on `day-index`: the rows of UTC day `day` in [since, until], newest first,
    strictly older than `start` when given. A table without the index is "unavailable" with
    the fix in the message."""
    with guard("Query(day-index)"):
        try:
            reply = WorkflowOrder._get_connection().query(
                day, WorkflowOrder.placed_at.between(since, until),
                index_name=WorkflowOrder.day_index.Meta.index_name,
                scan_index_forward=False, limit=limit,
                exclusive_start_key=_start_key(start, day=day),
            )
        except QueryError as exc:
            if _index_unreadable(exc):
                raise DayIndexMissing(
                    f"order table {current_binding().table_name!r} has no readable day-index "
                    f"(run `manage.py create_order_table`): {exc.cause_response_message}",
                    public="the order table has no day-index yet",
                ) from exc
            raise
    return _page(reply)


def _start_key(start: OrderKey | None, *, day: str | None = None) -> dict | None:
    if start is None:
        return None
    key = {"workflow_id": {"S": start.workflow_id},
           "placed_at": {"N": format(datetime_to_epoch(start.placed_at), "f")}}
    if day is not None:
        key["placed_day"] = {"S": day}
    return key


def _page(reply: dict) -> OrdersPage:
    last = reply.get("LastEvaluatedKey")
    resume = None
    if last:
        placed = epoch_to_datetime(Decimal(last["placed_at"]["N"])).astimezone(UTC)
        resume = OrderKey(last["workflow_id"]["S"], placed)
    return OrdersPage([to_record(item) for item in reply.get("Items", [])], resume)


def query_window(*, workflow_id: str, since: datetime, page_size: int = 500) -> list[OrderRecord]:
    """Every row of one workflow placed at or after `since`, newest first (paged Query)."""
    records: list[OrderRecord] = []
    start_key: dict[str, Any] | None = None
    with guard("Query(window)"):
        while True:
            reply = WorkflowOrder._get_connection().query(
                workflow_id, WorkflowOrder.placed_at >= since, scan_index_forward=False,
                limit=page_size, exclusive_start_key=start_key,
            )
            records.extend(to_record(item) for item in reply.get("Items", []))
            start_key = reply.get("LastEvaluatedKey")
            if not start_key:
                return records


def count_orders(*, workflow_id: str, since: datetime) -> int:
    """Select=COUNT query over the window, on `count-index` (small entries), or on the table
    while that index is missing or still being built (rechecked every 5 minutes)."""
    with guard("Query(COUNT)"):
        condition = WorkflowOrder.placed_at >= since
        where = _binding_key()
        missing_since = _COUNT_INDEX_MISSING.get(where)
        if missing_since is None or time.monotonic() - missing_since > _INDEX_RETRY_SECONDS:
            try:
                return WorkflowOrder.count_index.count(workflow_id, condition)
            except QueryError as exc:
                if not _index_unreadable(exc):
                    raise
                log.warning("count-index unreadable on %s; counting on the table: %s",
                            where, error_message(exc))
                _COUNT_INDEX_MISSING[where] = time.monotonic()
        return WorkflowOrder.count(workflow_id, condition)


def _binding_key() -> tuple[str | None, str]:
    where = current_binding()
    return where.endpoint, where.table_name


def _index_unreadable(exc: QueryError) -> bool:
    """The index does not exist (yet), or AWS is still backfilling it (moto says
    ResourceNotFound where AWS and dynalite say Validation)."""
    message = error_message(exc).lower()
    codes = {"ValidationException", "ResourceNotFoundException"}
    return error_code(exc) in codes and "index" in message


def query_latest(*, workflow_id: str, since: datetime) -> OrderRecord | None:
    records = query_history(workflow_id=workflow_id, since=since, limit=1)
    return records[0] if records else None


# --- last live order (pages: "Last order" is the latest live one; issue 17 item 1) --------

_LAST_LIVE_PAGE = 100


def query_last_live(*, workflow_id: str, since: datetime) -> tuple[OrderRecord | None,
                                                                    OrderRecord | None]:
    """(latest live order, newer dry-run order or None), in the window.

    A Limit-1 Query answers every workflow whose newest order is live (as cheap as the plain
    latest order). Only when the newest is a dry run, the rest of the window is read after it
    with a `dry_run = false` filter, 100 items a request, stopping at the first live one
    (bounded by one workflow's 7 days)."""
    with guard("Query"):
        reply = WorkflowOrder._get_connection().query(
            workflow_id, WorkflowOrder.placed_at >= since, scan_index_forward=False, limit=1,
        )
        items = reply.get("Items", [])
        newest = to_record(items[0]) if items else None
        if newest is None or not newest.dry_run:
            return newest, None
        live, start = None, reply.get("LastEvaluatedKey")
        while live is None and start:
            reply = WorkflowOrder._get_connection().query(
                workflow_id, WorkflowOrder.placed_at >= since,
                filter_condition=WorkflowOrder.dry_run == False,  # noqa: E712 (an expression)
                scan_index_forward=False, limit=_LAST_LIVE_PAGE, exclusive_start_key=start,
            )
            items = reply.get("Items", [])
            live = to_record(items[0]) if items else None
            start = reply.get("LastEvaluatedKey")
    return live, newest


def get_by_id(*, order_id: str) -> OrderRecord | None:
    """Query on `id-index`; the caller applies the retention window."""
    with guard("Query(id-index)"):
        reply = WorkflowOrder._get_connection().query(
            order_id, index_name=WorkflowOrder.id_index.Meta.index_name, limit=1
        )
    items = reply.get("Items", [])
    return to_record(items[0]) if items else None


def warm_up() -> None:
    """Build the shared connection before threads use it concurrently."""
    WorkflowOrder._get_connection().connection.client  # noqa: B018 (creates the client)
