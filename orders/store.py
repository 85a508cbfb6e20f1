"""Every DynamoDB call of the order history: queries, conditional writes, table admin.

The only module that touches PynamoDB. Each PynamoDB/botocore failure becomes one
`OrderStoreUnavailable` naming the operation, endpoint and table; no read ever turns a
failure into an empty answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlparse

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from pynamodb.connection.base import Connection
from pynamodb.exceptions import PutError, PynamoDBException, TableDoesNotExist, TableError

from orders.errors import OrderCollision, OrderStoreUnavailable
from orders.models import WorkflowOrder
from orders.records import EPOCH, OrderRecord

log = logging.getLogger(__name__)

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_DUMMY_CREDENTIAL = "korder-local"  # local servers only check that requests are signed
_TABLE_POLL_SECONDS = 0.05
_TABLE_WAIT_SECONDS = 60.0
_CONNECTIONS: dict[tuple[str | None, str], Connection] = {}


@dataclass(frozen=True)
class Binding:
    table_name: str
    endpoint: str | None
    region: str


def is_local_endpoint(endpoint: str | None) -> bool:
    return bool(endpoint) and urlparse(endpoint).hostname in _LOCAL_HOSTS


def bind(*, table_name: str, endpoint: str | None, region: str) -> None:
    """Point the model at a table/endpoint; drops the cached connection."""
    meta: Any = WorkflowOrder.Meta
    meta.table_name = table_name
    meta.host = endpoint or None
    meta.region = region
    local = is_local_endpoint(endpoint)
    meta.aws_access_key_id = _DUMMY_CREDENTIAL if local else None
    meta.aws_secret_access_key = _DUMMY_CREDENTIAL if local else None
    WorkflowOrder._connection = None
    _share_client(endpoint=endpoint, region=region)


def _share_client(*, endpoint: str | None, region: str) -> None:
    """Reuse one botocore client per endpoint across table names.

    Building a client costs ~100 ms, and PynamoDB builds one per table name; tests (a table per
    test) and outage switches rebind often.
    """
    table_connection = WorkflowOrder._get_connection()  # lazy: no client built yet
    shared = _CONNECTIONS.setdefault((endpoint, region), table_connection.connection)
    if shared is table_connection.connection:
        return
    try:
        shared.get_meta_table(table_connection.table_name)
    except TableError:
        shared.add_meta_table(table_connection.get_meta_table())
    table_connection.connection = shared


def configure() -> None:
    """Bind the model from KORDER_DYNAMODB_TABLE / _ENDPOINT / _REGION."""
    bind(
        table_name=settings.KORDER_DYNAMODB_TABLE,
        endpoint=settings.KORDER_DYNAMODB_ENDPOINT or None,
        region=settings.KORDER_DYNAMODB_REGION,
    )


def current_binding() -> Binding:
    meta: Any = WorkflowOrder.Meta
    return Binding(table_name=meta.table_name, endpoint=meta.host, region=meta.region)


@contextmanager
def _guard(operation: str) -> Iterator[None]:
    try:
        yield
    except (PynamoDBException, BotoCoreError) as exc:
        where = current_binding()
        cause = getattr(exc, "cause", None) or exc
        raise OrderStoreUnavailable(
            f"order store {operation} failed (table {where.table_name!r} at "
            f"{where.endpoint or 'AWS ' + where.region}): {cause}",
            public=f"the order store did not answer ({operation})",
        ) from exc


# --- table administration ----------------------------------------------------------------

def describe_table() -> dict:
    """DescribeTable: the cheap liveness probe. A missing table is 'unavailable' too."""
    with _guard("DescribeTable"):
        try:
            return WorkflowOrder.describe_table()
        except TableDoesNotExist as exc:
            raise OrderStoreUnavailable(
                f"order table {current_binding().table_name!r} does not exist "
                "(run `manage.py create_order_table`)",
                public="the order table does not exist",
            ) from exc


def create_table(*, ignore_ttl_errors: bool) -> bool:
    """Create the table (PAY_PER_REQUEST, id-index) if missing, wait until ACTIVE, enable TTL.

    Returns True when it created the table; an existing table is left as it is.
    `ignore_ttl_errors` is for servers without UpdateTimeToLive (dynalite).
    """
    with _guard("CreateTable"):
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
    with _guard("DeleteTable"):
        if WorkflowOrder.exists():
            WorkflowOrder.delete_table()


# --- writes -----------------------------------------------------------------------------

def put_order(*, record: OrderRecord, ttl: int) -> Literal["stored", "duplicate"]:
    """Conditional put (attribute_not_exists): never overwrites.

    A replay of the same record (same id at the same key) is a no-op: "duplicate".
    Raises OrderCollision when another record holds the key, OrderStoreUnavailable on failure.
    """
    item = _to_item(record, ttl)
    with _guard("PutItem"):
        try:
            item.save(condition=WorkflowOrder.workflow_id.does_not_exist())
            return "stored"
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
        existing = WorkflowOrder.get(record.workflow_id, record.placed_at, consistent_read=True)
    if existing.id != record.id:
        raise OrderCollision(
            f"order {existing.id} already holds key ({record.workflow_id}, "
            f"{record.placed_at.isoformat()}); order {record.id} was not written"
        )
    return "duplicate"


def delete_older_than(*, cutoff: datetime) -> int:
    """Delete rows placed before `cutoff` (maintenance only: this scans). Returns the count."""
    deleted = 0
    with _guard("Scan/BatchWriteItem"):
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

def query_history(*, workflow_id: str, since: datetime, limit: int) -> list[OrderRecord]:
    """Newest first, placed_at >= since, at most `limit` rows (one page of `limit`)."""
    with _guard("Query"):
        rows = WorkflowOrder.query(
            workflow_id,
            WorkflowOrder.placed_at >= since,
            scan_index_forward=False,
            limit=limit,
            page_size=limit,
        )
        return [_to_record(row) for row in rows]


def count_orders(*, workflow_id: str, since: datetime) -> int:
    """Select=COUNT query over the window."""
    with _guard("Query(COUNT)"):
        return WorkflowOrder.count(workflow_id, WorkflowOrder.placed_at >= since)


def query_latest(*, workflow_id: str, since: datetime) -> OrderRecord | None:
    records = query_history(workflow_id=workflow_id, since=since, limit=1)
    return records[0] if records else None


def get_by_id(*, order_id: str) -> OrderRecord | None:
    """Query on `id-index`; the caller applies the retention window."""
    with _guard("Query(id-index)"):
        for row in WorkflowOrder.id_index.query(order_id, limit=1):
            return _to_record(row)
    return None


def warm_up() -> None:
    """Build the shared connection before threads use it concurrently."""
    WorkflowOrder._get_connection().connection.client  # noqa: B018 (creates the client)


# --- mapping ----------------------------------------------------------------------------

def _to_item(record: OrderRecord, ttl: int) -> WorkflowOrder:
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
    )


def _to_record(row: WorkflowOrder) -> OrderRecord:
    return OrderRecord(
        id=row.id,
        workflow_id=row.workflow_id,
        workflow_name=row.workflow_name,
        placed_at=row.placed_at,
        order_code=row.order_code,
        order_price=row.order_price,
        order_quantity=row.order_quantity,
        order_direction=row.order_direction,
        order_type=row.order_type,
        asset_type=row.asset_type,
        trigger_close=row.trigger_close,
        trigger_candle_time=row.trigger_candle_time,
        dry_run=bool(row.dry_run),
        broker=row.broker or "notify",
        broker_order_id=row.broker_order_id,
        execution_context=row.execution_context or "",
    )
