"""create_order_table on an existing table: day-index added with every row kept (a local
dynalite table is rebuilt by copying), an interrupted rebuild finished, --backfill."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from orders import store, store_upgrade
from orders.models import WorkflowOrder
from orders.records import day_of
from orders.services import retention
from tests.fixtures.order_store import make_order_record

NOW = datetime(2026, 2, 22, 15, 0, 0, 500000, tzinfo=UTC)


def client():
    return WorkflowOrder._get_connection().connection.client


def raw_rows(table: str) -> list[dict]:
    rows, start = [], None
    while True:
        kwargs = {"TableName": table, **({"ExclusiveStartKey": start} if start else {})}
        reply = client().scan(**kwargs)
        rows += reply["Items"]
        start = reply.get("LastEvaluatedKey")
        if not start:
            return sorted(rows, key=lambda r: (r["workflow_id"]["S"], r["placed_at"]["N"]))


def put_as_before(table: str, **fields) -> None:
    """A row as the code before day-index wrote it: no placed_day."""
    record = make_order_record(**fields)
    store.put_order(record=record, ttl=record.ttl(retention()))
    client().update_item(TableName=table, UpdateExpression="REMOVE placed_day", Key={
        "workflow_id": {"S": record.workflow_id},
        "placed_at": {"N": WorkflowOrder.placed_at.serialize(record.placed_at)}})


def seed_week(table: str) -> None:
    """40 rows: 4 workflows over 7 days, including two in the same second."""
    for n in range(40):
        put_as_before(table, workflow_id=f"wf-{n % 4}",
                      placed_at=NOW - timedelta(hours=4 * n, microseconds=n % 3))
    put_as_before(table, workflow_id="wf-0", placed_at=NOW.replace(microsecond=1))


def without_day(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "placed_day"} for row in rows]


def day_rows(day: str) -> list[str]:
    page = store.query_day_page(day=day, since=NOW - timedelta(days=8), until=NOW,
                                limit=1000, start=None)
    return [r.id for r in page.records]


def call(*args: str) -> str:
    out = StringIO()
    call_command("create_order_table", *args, stdout=out)
    return out.getvalue()


def test_a_table_made_by_the_code_before_day_index_is_rebuilt_with_every_row(
    pre_day_index_table,
) -> None:
    seed_week(pre_day_index_table)
    before = raw_rows(pre_day_index_table)

    output = call()

    assert "Rebuilt the local table with day-index" in output
    assert "41 row(s) copied out and back" in output
    after = raw_rows(pre_day_index_table)
    assert without_day(after) == without_day(before)  # every row, every attribute, unchanged
    assert all(row["placed_day"]["S"] == day_of(WorkflowOrder.placed_at.deserialize(
        row["placed_at"]["N"])) for row in after)
    assert not store_upgrade._exists(pre_day_index_table + store_upgrade.REBUILD_SUFFIX)
    assert sum(len(day_rows(day_of(NOW - timedelta(days=d)))) for d in range(8)) == 41


@pytest.mark.parametrize("crash", ["after deleting the table", "while copying out"])
def test_an_interrupted_rebuild_is_finished_by_the_next_run(pre_day_index_table, crash) -> None:
    seed_week(pre_day_index_table)
    before = raw_rows(pre_day_index_table)
    spare = pre_day_index_table + store_upgrade.REBUILD_SUFFIX
    store_upgrade._create_full(spare)
    if crash == "after deleting the table":
        store_upgrade._copy(pre_day_index_table, spare)
        store_upgrade._delete(pre_day_index_table)
    else:
        client().put_item(TableName=spare, Item=before[0])  # a partial copy

    output = call()

    assert "row(s) copied out and back" in output
    assert without_day(raw_rows(pre_day_index_table)) == without_day(before)
    assert not store_upgrade._exists(spare)
    assert store_upgrade.upgrade_table().indexes == []


def test_backfill_writes_placed_day_on_rows_without_it(order_store) -> None:
    put_as_before(order_store.table_name, workflow_id="wf-1", placed_at=NOW)
    put_as_before(order_store.table_name, workflow_id="wf-2", placed_at=NOW - timedelta(days=1))
    current = make_order_record(workflow_id="wf-3", placed_at=NOW - timedelta(minutes=1))
    store.put_order(record=current, ttl=current.ttl(retention()))
    assert day_rows(day_of(NOW)) == [current.id]  # the older rows are not in day-index

    assert "Backfilled placed_day on 2 row(s)." in call("--backfill")

    assert len(day_rows(day_of(NOW))) == 2
    assert len(day_rows(day_of(NOW - timedelta(days=1)))) == 1
    assert "Backfilled placed_day on 0 row(s)." in call("--backfill")


def test_new_rows_carry_placed_day_the_utc_date(order_store) -> None:
    just_before_midnight = datetime(2026, 2, 21, 23, 59, 59, 999999, tzinfo=UTC)
    record = make_order_record(placed_at=just_before_midnight)
    store.put_order(record=record, ttl=record.ttl(retention()))

    (row,) = raw_rows(order_store.table_name)
    assert row["placed_day"] == {"S": "2026-02-21"}
