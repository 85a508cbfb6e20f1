"""Upgrades of an existing order table: missing indexes and the `placed_day` backfill.

Part of the store layer (with `orders/store.py`; nothing else talks to DynamoDB). Maintenance
only, run by `manage.py create_order_table`: these scan, which no page or API path does.

* A missing GSI (`count-index`, `day-index`) is added with UpdateTable where the server can
  (AWS, moto; AWS builds it in the background, one index at a time).
* A local server that cannot add an index to an existing table (dynalite refuses) gets the
  table rebuilt: every row is copied, as is, into `<table>-rebuild` (made with the full
  schema), the table is re-created with the full schema, the rows are copied back, and both
  copies are counted before anything is deleted. An interrupted rebuild is resumed (or
  restarted) by the next run, so no row is lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from decimal import Decimal
from typing import Any, Literal

from botocore.exceptions import ClientError

from orders import connection
from orders.attributes import epoch_to_datetime
from orders.errors import OrderStoreUnavailable
from orders.models import WorkflowOrder
from orders.records import day_of

log = logging.getLogger(__name__)

IndexState = Literal["present", "creating", "pending", "refused", "rebuilt"]
REBUILD_SUFFIX = "-rebuild"
_BATCH = 25  # BatchWriteItem's limit
_WAIT_SECONDS = 60.0


@dataclass(frozen=True)
class IndexReport:
    index: str
    state: IndexState
    reason: str = ""  # the server's refusal


@dataclass
class UpgradeReport:
    indexes: list[IndexReport] = field(default_factory=list)
    copied: int | None = None  # rows copied by a local rebuild (None: no rebuild)


def model_indexes() -> list[str]:
    return [index.Meta.index_name for index in _index_objects()]


def _index_objects() -> list[Any]:
    return [WorkflowOrder.id_index, WorkflowOrder.count_index, WorkflowOrder.day_index]


def upgrade_table() -> UpgradeReport:
    """Give the bound table every index of the model (see the module docstring)."""
    with _guard("UpdateTable"):
        name = connection.current_binding().table_name
        if _exists(name + REBUILD_SUFFIX):
            return UpgradeReport(copied=_resume_rebuild(name))
        missing = [n for n, state in _index_states(name).items() if state is None]
        if not missing:
            return UpgradeReport()
        reports = _add_indexes(name, missing)
        if any(r.state == "refused" for r in reports) and connection.is_local_endpoint(
            connection.current_binding().endpoint
        ):
            copied = _rebuild(name)
            return UpgradeReport([IndexReport(n, "rebuilt") for n in missing], copied)
        return UpgradeReport(reports)


def _index_states(name: str) -> dict[str, str | None]:
    described = _client().describe_table(TableName=name)["Table"]
    found = {i["IndexName"]: i.get("IndexStatus", "ACTIVE")
             for i in described.get("GlobalSecondaryIndexes", [])}
    return {n: found.get(n) for n in model_indexes()}


def _add_indexes(name: str, missing: list[str]) -> list[IndexReport]:
    """UpdateTable for each missing index; after one is accepted on a remote server (AWS
    builds one at a time) the others wait for the next run."""
    reports: list[IndexReport] = []
    for index_name in missing:
        if any(r.state == "creating" for r in reports) and not _is_local():
            reports.append(IndexReport(index_name, "pending"))
            continue
        refusal = _create_index(name, index_name)
        state = _index_states(name).get(index_name)
        if refusal or state is None:
            reports.append(IndexReport(index_name, "refused", refusal or "ignored"))
        else:
            reports.append(IndexReport(index_name, "present" if state == "ACTIVE" else "creating"))
    return reports


def _create_index(name: str, index_name: str) -> str:
    index = next(i for i in _index_objects() if i.Meta.index_name == index_name)
    schema = index._get_schema()
    try:
        _client().update_table(
            TableName=name,
            AttributeDefinitions=schema["attribute_definitions"],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": schema["index_name"],
                "KeySchema": schema["key_schema"],
                "Projection": schema["projection"],
            }}],
        )
    except ClientError as exc:
        return str(exc)
    return ""


# --- local rebuild ------------------------------------------------------------------------


def _rebuild(name: str) -> int:
    """Copy every row out, re-create the table with the full schema, copy them back."""
    spare = name + REBUILD_SUFFIX
    _create_full(spare)
    copied = _copy(name, spare)
    _check_same_count(name, spare)
    log.warning("rebuilding order table %r (%d rows kept in %r meanwhile)", name, copied, spare)
    return _restore(name, spare)


def _resume_rebuild(name: str) -> int:
    """An earlier rebuild stopped. If the table is still the old one, its copy may be partial:
    start again. Otherwise (the table is gone, or re-created) finish copying back."""
    spare = name + REBUILD_SUFFIX
    if _exists(name) and None in _index_states(name).values():
        _delete(spare)
        return _rebuild(name)
    return _restore(name, spare)


def _restore(name: str, spare: str) -> int:
    if _exists(name) and None in _index_states(name).values():
        _delete(name)
    if not _exists(name):
        _create_full(name)
        WorkflowOrder.update_ttl(ignore_update_ttl_errors=True)  # dynalite has no TTL API
    copied = _copy(spare, name)
    _check_same_count(spare, name)
    _delete(spare)
    return copied


def _create_full(table: str) -> None:
    schema = WorkflowOrder._get_schema()
    WorkflowOrder._get_connection().connection.create_table(
        table, attribute_definitions=schema["attribute_definitions"],
        key_schema=schema["key_schema"],
        global_secondary_indexes=schema["global_secondary_indexes"],
        billing_mode="PAY_PER_REQUEST",
    )
    _wait(lambda: _status(table) == "ACTIVE", f"{table} to become ACTIVE")


def _copy(source: str, target: str) -> int:
    """Every row of `source` into `target`, unchanged but for a missing `placed_day`."""
    copied = 0
    batch: list[dict] = []
    for item in _scan(source):
        batch.append({"PutRequest": {"Item": _with_day(item)}})
        if len(batch) == _BATCH:
            copied += _write(target, batch)
            batch = []
    return copied + (_write(target, batch) if batch else 0)


def _with_day(item: dict) -> dict:
    if "placed_day" in item:
        return item
    placed = epoch_to_datetime(Decimal(item["placed_at"]["N"])).astimezone(UTC)
    return {**item, "placed_day": {"S": day_of(placed)}}


def _write(table: str, requests: list[dict]) -> int:
    pending = {table: requests}
    for attempt in range(20):
        pending = _client().batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
        if not pending:
            return len(requests)
        time.sleep(0.05 * (attempt + 1))
    raise OrderStoreUnavailable(f"could not copy rows into {table!r}: writes kept failing")


def _check_same_count(source: str, target: str) -> None:
    have, want = _count(target), _count(source)
    if have != want:
        raise OrderStoreUnavailable(
            f"rebuild stopped: {target!r} holds {have} rows, {source!r} {want}; nothing was "
            f"deleted (run `manage.py create_order_table` again)"
        )


def _count(table: str) -> int:
    total, start = 0, None
    while True:
        kwargs: dict[str, Any] = {"TableName": table, "Select": "COUNT"}
        if start:
            kwargs["ExclusiveStartKey"] = start
        reply = _client().scan(**kwargs)
        total += reply["Count"]
        start = reply.get("LastEvaluatedKey")
        if not start:
            return total


def _scan(table: str, **extra: Any) -> Iterator[dict]:
    start = None
    while True:
        kwargs: dict[str, Any] = {"TableName": table, **extra}
        if start:
            kwargs["ExclusiveStartKey"] = start
        reply = _client().scan(**kwargs)
        yield from reply.get("Items", [])
        start = reply.get("LastEvaluatedKey")
        if not start:
            return


# --- placed_day backfill -----------------------------------------------------------------


def backfill_placed_day() -> int:
    """Write `placed_day` on every row that lacks it (so `day-index` sees it); returns how
    many. Conditional: a row deleted meanwhile is not re-created."""
    name = connection.current_binding().table_name
    written = 0
    with _guard("Scan/UpdateItem"):
        rows = _scan(name, FilterExpression="attribute_not_exists(placed_day)",
                     ProjectionExpression="workflow_id, placed_at")
        for row in rows:
            try:
                _client().update_item(
                    TableName=name, Key=row, UpdateExpression="SET placed_day = :day",
                    ConditionExpression="attribute_exists(workflow_id)",
                    ExpressionAttributeValues={":day": _with_day(row)["placed_day"]},
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                    raise
                continue
            written += 1
    return written


# --- helpers ------------------------------------------------------------------------------


@contextmanager
def _guard(operation: str) -> Iterator[None]:
    """The store's guard, plus the raw client's ClientError."""
    with connection.guard(operation):
        try:
            yield
        except ClientError as exc:
            raise OrderStoreUnavailable(
                f"order store {operation} failed on {connection.current_binding().table_name!r}: "
                f"{exc}", public=f"the order store did not answer ({operation})",
            ) from exc


def _client() -> Any:
    return WorkflowOrder._get_connection().connection.client


def _is_local() -> bool:
    return connection.is_local_endpoint(connection.current_binding().endpoint)


def _status(table: str) -> str | None:
    try:
        return _client().describe_table(TableName=table)["Table"]["TableStatus"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] == "ResourceNotFoundException":
            return None
        raise


def _exists(table: str) -> bool:
    return _status(table) is not None


def _delete(table: str) -> None:
    _client().delete_table(TableName=table)
    _wait(lambda: not _exists(table), f"{table} to be deleted")


def _wait(done: Any, what: str) -> None:
    deadline = time.monotonic() + _WAIT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            raise OrderStoreUnavailable(f"timed out waiting for {what}")
        time.sleep(0.05)
