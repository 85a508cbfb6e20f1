"""Order history models: the PynamoDB `WorkflowOrder` table (SPEC §6.1) and the Django outbox.

`WorkflowOrder` stays declarative: only `orders/store.py` queries it, and binds its table,
region and endpoint from settings (`connection.configure()`), so nothing here reads settings at
query time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from orders.attributes import DecimalAttribute, EpochDateTimeAttribute

# Short timeouts and one retry: a stopped store fails in seconds, not minutes. The defaults;
# `connection.configure()` applies KORDER_DYNAMODB_CONNECT_TIMEOUT_MS / _READ_TIMEOUT_MS /
# _MAX_RETRIES.
CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 2
MAX_RETRY_ATTEMPTS = 1


class IdIndex(GlobalSecondaryIndex["WorkflowOrder"]):
    """`id-index`: single-order reads by order id (a Query, never a Scan)."""

    class Meta:
        index_name = "id-index"
        projection = AllProjection()

    id = UnicodeAttribute(hash_key=True)


class CountIndex(GlobalSecondaryIndex["WorkflowOrder"]):
    """`count-index`: the table's own keys, projected KEYS_ONLY, for `total_count`.

    A Select=COUNT query on the same key condition then reads small index entries instead of
    whole rows (less read capacity on AWS, less work for dynalite). Like every GSI it is
    eventually consistent on AWS: a new record is counted within about a second.
    """

    class Meta:
        index_name = "count-index"
        projection = KeysOnlyProjection()

    workflow_id = UnicodeAttribute(hash_key=True)
    placed_at = EpochDateTimeAttribute(range_key=True)


# --- blotter (day-index, SPEC §6.3) ---
class DayIndex(GlobalSecondaryIndex["WorkflowOrder"]):
    """`day-index`: every order of one UTC day across workflows, by time (the blotter).

    Hash `placed_day` (`YYYY-MM-DD`), range `placed_at`, projection ALL: one Query per day of
    the window reads whole rows, never a Scan. Rows without `placed_day` (older rows, other
    tools) are not in it until `create_order_table --backfill` adds the attribute.
    """

    class Meta:
        index_name = "day-index"
        projection = AllProjection()

    placed_day = UnicodeAttribute(hash_key=True)
    placed_at = EpochDateTimeAttribute(range_key=True)


class WorkflowOrder(Model):
    """One row of `workflow_orders`; keys (workflow_id, placed_at)."""

    class Meta:
        table_name = settings.KORDER_DYNAMODB_TABLE
        region = settings.KORDER_DYNAMODB_REGION
        host = settings.KORDER_DYNAMODB_ENDPOINT or None
        billing_mode = "PAY_PER_REQUEST"
        connect_timeout_seconds = CONNECT_TIMEOUT_SECONDS
        read_timeout_seconds = READ_TIMEOUT_SECONDS
        max_retry_attempts = MAX_RETRY_ATTEMPTS
        max_pool_connections = 32

    workflow_id = UnicodeAttribute(hash_key=True)
    placed_at = EpochDateTimeAttribute(range_key=True)
    id = UnicodeAttribute()
    id_index = IdIndex()
    count_index = CountIndex()
    workflow_name = UnicodeAttribute()
    order_code = UnicodeAttribute()
    order_price = DecimalAttribute()
    order_quantity = DecimalAttribute()
    order_direction = UnicodeAttribute()
    order_type = UnicodeAttribute()
    asset_type = UnicodeAttribute(null=True)
    trigger_close = DecimalAttribute(null=True)
    trigger_candle_time = UTCDateTimeAttribute(null=True)
    dry_run = BooleanAttribute(default=False)
    broker = UnicodeAttribute(default="notify")
    broker_order_id = UnicodeAttribute(null=True)
    execution_context = UnicodeAttribute(default="")
    ttl = TTLAttribute()
    # --- outcome (SPEC §12): only store.update_outcome writes these, after the put ---
    outcome_triggered = BooleanAttribute(null=True)
    outcome_triggered_at = UTCDateTimeAttribute(null=True)
    outcome_entry = DecimalAttribute(null=True)
    outcome_mfe = DecimalAttribute(null=True)
    outcome_mae = DecimalAttribute(null=True)
    outcome_mfe_1h = DecimalAttribute(null=True)
    outcome_mae_1h = DecimalAttribute(null=True)
    outcome_mfe_4h = DecimalAttribute(null=True)
    outcome_mae_4h = DecimalAttribute(null=True)
    outcome_final = BooleanAttribute(null=True)
    outcome_at = UTCDateTimeAttribute(null=True)
    # --- end outcome ---
    # --- lifecycle (SPEC §12): only store.update_status changes these after the put ---
    status = UnicodeAttribute(null=True)
    status_at = UTCDateTimeAttribute(null=True)
    status_seq = NumberAttribute(null=True)
    filled_price = DecimalAttribute(null=True)
    filled_quantity = DecimalAttribute(null=True)
    filled_at = UTCDateTimeAttribute(null=True)
    replaces = UnicodeAttribute(null=True)
    broker_error = UnicodeAttribute(null=True)
    # --- end lifecycle ---
    # --- blotter (day-index, SPEC §6.3) ---
    placed_day = UnicodeAttribute(null=True)
    day_index = DayIndex()


class OutboxRecord(models.Model):
    """An order record the store could not take yet; `flush_outbox` writes it later.

    The full record is kept (`payload`), so the flush writes the original id and placed_at
    and the store's conditional put turns any replay into a no-op.
    """

    order_id = models.UUIDField(primary_key=True)
    workflow_id = models.CharField(max_length=64, db_index=True)
    workflow_name = models.CharField(max_length=200)
    placed_at = models.DateTimeField()
    payload = models.JSONField()
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    flushed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["placed_at"]
        verbose_name = "outbox record"

    def __str__(self) -> str:
        state = "flushed" if self.flushed_at else "pending"
        return f"{self.workflow_name} @ {self.placed_at:%Y-%m-%d %H:%M:%S} ({state})"

    @property
    def is_pending(self) -> bool:
        return self.flushed_at is None


class OrderEvent(models.Model):
    """One transition of an order's lifecycle (SPEC §12), kept 7 days: what
    `GET /api/workflow/orders/{id}/events` and the order page list.

    Written only after the order row accepted the change (a replayed or older broker entry
    changes nothing and leaves no event). The unique constraint makes a retried write a no-op.
    """

    order_id = models.UUIDField(db_index=True)
    workflow_id = models.CharField(max_length=64)
    status = models.CharField(max_length=20)
    previous_status = models.CharField(max_length=20, blank=True, default="")
    at = models.DateTimeField(help_text="When the status changed (broker time for syncs)")
    seq = models.BigIntegerField()
    source = models.CharField(max_length=16, help_text="placement, sync, engine or trader")
    detail = models.CharField(max_length=500, blank=True, default="")
    broker_order_id = models.CharField(max_length=64, blank=True, default="")
    filled_price = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    filled_quantity = models.DecimalField(max_digits=24, decimal_places=8, null=True,
                                          blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["order_id", "seq", "id"]
        constraints = [models.UniqueConstraint(fields=["order_id", "status", "seq"],
                                               name="unique_order_event")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status} at {self.at:%Y-%m-%d %H:%M:%S}"
