"""Workflow definitions and the engine's run ledger (claims, decision log, outbox)."""

from __future__ import annotations

import uuid
from datetime import date
from urllib.parse import quote

from django.db import models
from django.urls import reverse

from workflows.core.types import (
    DEFAULT_OFFSET,
    Direction,
    Element,
    IndicatorName,
    Location,
    Side,
    Signal,
    UnitTime,
)
from workflows.validation import STORED_DECIMALS, STORED_DIGITS

PRICE = {"max_digits": STORED_DIGITS, "decimal_places": STORED_DECIMALS}
TRADINGVIEW_EXCHANGES = {
    "xpar": "EURONEXT", "xnas": "NASDAQ", "xnys": "NYSE", "xlon": "LSE", "xfra": "FWB",
    "xetr": "XETR",
}


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(member.value, member.value) for member in enum]  # type: ignore[attr-defined]


class Workflow(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    index = models.CharField(max_length=64, help_text="Symbol the indicator is computed on")
    cfd = models.CharField(max_length=64, verbose_name="CFD", help_text="Symbol traded")
    enabled = models.BooleanField(default=True)
    dry_run = models.BooleanField(default=False)
    is_us = models.BooleanField(default=False, verbose_name="US market")
    end_date = models.DateField(null=True, blank=True, help_text="Still runs on this date")
    trigger_ut = models.CharField(max_length=8, choices=_choices(UnitTime), default="h1")
    trigger_signal = models.CharField(max_length=16, choices=_choices(Signal), default="breakout")
    trigger_location = models.CharField(max_length=8, choices=_choices(Location))
    trigger_order_direction = models.CharField(max_length=4, choices=_choices(Side))
    trigger_quantity = models.DecimalField(**PRICE)
    trigger_offset = models.DecimalField(**PRICE, default=DEFAULT_OFFSET)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["enabled", "archived_at"])]
        # SPEC §13: checked as user.has_perm("workflows.trade") (korder_site/permissions.py).
        permissions = [
            ("trade", "Can trade: create, change, enable, archive, make live and run workflows")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workflows:detail", args=[self.id])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def is_due(self, today: date) -> bool:
        if not self.enabled or self.is_archived:
            return False
        return self.end_date is None or self.end_date >= today

    def tradingview_url(self) -> str:
        """Reference §8.3: index `<code>:<market>` → EXCHANGE:CODE; unknown or no market →
        EURONEXT. (No per-asset custom URL is stored in k-order: the built URL is always used.)"""
        code, _, market = self.index.partition(":")
        exchange = TRADINGVIEW_EXCHANGES.get(market.strip().lower(), "EURONEXT")
        symbol = quote(f"{exchange}:{code.strip().upper()}", safe=":.")
        return f"https://www.tradingview.com/chart/?symbol={symbol}"


class Condition(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="conditions")
    position = models.PositiveSmallIntegerField(default=0)
    indicator_name = models.CharField(max_length=16, choices=_choices(IndicatorName))
    indicator_ut = models.CharField(max_length=8, choices=_choices(UnitTime))
    value = models.DecimalField(**PRICE, null=True, blank=True)
    zone_value = models.DecimalField(**PRICE, null=True, blank=True)
    x1_date = models.DateField(null=True, blank=True)
    x1_price = models.DecimalField(**PRICE, null=True, blank=True)
    x2_date = models.DateField(null=True, blank=True)
    x2_price = models.DecimalField(**PRICE, null=True, blank=True)
    close_direction = models.CharField(max_length=8, choices=_choices(Direction))
    close_ut = models.CharField(max_length=8, choices=_choices(UnitTime))
    spread = models.DecimalField(**PRICE, default=0)
    element = models.CharField(max_length=8, choices=_choices(Element), blank=True, default="")

    class Meta:
        ordering = ["workflow", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "position"], name="unique_condition_position"
            )
        ]

    def __str__(self) -> str:
        indicator = f"{self.indicator_name} {self.indicator_ut}"
        return f"{indicator} {self.close_direction} close {self.close_ut}"


# --- run ledger ------------------------------------------------------------------------------


class ClaimStatus(models.TextChoices):
    CLAIMED = "claimed", "Claimed (outcome not yet known)"
    PLACED = "placed", "Placed (not yet recorded)"
    RECORDED = "recorded", "Placed and recorded"
    OUTBOXED = "outboxed", "Placed, record waiting in the outbox"
    FAILED = "failed", "Failed (broker refused or error)"


class RunClaim(models.Model):
    """One order the engine took on: at most one per (workflow, trigger candle, side, dry run).

    The row is inserted *before* the broker is called; the unique constraint makes a second
    insert fail, which the engine reads as "already handled". A row left at `claimed` means a
    run stopped between claiming and placing: it is never retried automatically.
    """

    workflow_id = models.UUIDField()
    workflow_name = models.CharField(max_length=200)
    trigger_candle_time = models.DateTimeField()
    side = models.CharField(max_length=4, choices=_choices(Side))
    order_id = models.UUIDField(unique=True, help_text="Our id: order record id, Saxo reference")
    placed_at = models.DateTimeField(help_text="The order record's placed_at")
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default="claimed")
    broker = models.CharField(max_length=16, blank=True, default="")
    broker_order_id = models.CharField(max_length=64, blank=True, default="")
    error = models.TextField(blank=True, default="")
    claimed_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            # dry_run is part of the key: a forced dry run ("Run now") of a live workflow must
            # not use up the live order of that candle.
            models.UniqueConstraint(
                fields=["workflow_id", "trigger_candle_time", "side", "dry_run"],
                name="unique_run_claim_per_mode",
            )
        ]

    def __str__(self) -> str:
        when = f"{self.trigger_candle_time:%Y-%m-%d %H:%M}"
        return f"{self.workflow_name} {self.side} @ {when} ({self.status})"


class Outcome(models.TextChoices):
    NO_ORDER = "no_order", "No order"
    ORDERED = "ordered", "Order placed"
    ALREADY_HANDLED = "already_handled", "Already handled"
    REJECTED = "rejected", "Broker rejected"
    FAILED = "failed", "Failed"


class Decision(models.Model):
    """The decision log: what the engine saw and decided for one evaluated workflow (kept 7 days).

    Answers "why didn't it trade?": the indicator value, the close price, whether the condition
    held, and the order or the skip reason, with the candle times it used.
    """

    workflow_id = models.UUIDField()
    workflow_name = models.CharField(max_length=200)
    evaluated_at = models.DateTimeField(help_text="The run's `now` (a past time for replays)")
    created_at = models.DateTimeField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    skip_code = models.CharField(max_length=32, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    indicator_value = models.CharField(max_length=200, blank=True, default="")
    close_price = models.DecimalField(**PRICE, null=True, blank=True)
    condition_holds = models.BooleanField(null=True)
    candles = models.JSONField(default=dict, blank=True, help_text="Candle times used")
    order = models.JSONField(null=True, blank=True)
    order_id = models.UUIDField(null=True, blank=True)
    broker_result = models.CharField(max_length=500, blank=True, default="")
    dry_run = models.BooleanField(default=False)

    class Meta:
        ordering = ["-evaluated_at", "-id"]
        indexes = [
            models.Index(fields=["workflow_id", "-evaluated_at"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.workflow_name} @ {self.evaluated_at:%Y-%m-%d %H:%M}: {self.outcome}"


# --- engine status and per-workflow stats (SPEC §12) -----------------------------------------


class RunSource(models.TextChoices):
    LOOP = "loop", "run_workflows --loop"
    ONCE = "once", "run_workflows (one run, e.g. cron)"
    REPLAY = "replay", "Replay (--at or replay_sample)"
    RUN_NOW = "run_now", "Run now (dry run from a page)"


class EngineRun(models.Model):
    """One engine run: when it started and ended, where, and what it did (its summary).

    Only `loop` and `once` runs count as the runner being alive; replays and Run now are kept
    for the record but say nothing about the scheduled runner.
    """

    started_at = models.DateTimeField(db_index=True, help_text="Wall-clock start")
    finished_at = models.DateTimeField(null=True, blank=True)
    evaluated_at = models.DateTimeField(help_text="The run's `now` (a past time for replays)")
    source = models.CharField(max_length=8, choices=RunSource.choices, default=RunSource.ONCE)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        state = "finished" if self.finished_at else "running or stopped"
        return f"{self.source} run on {self.host} at {self.started_at:%Y-%m-%d %H:%M:%S} ({state})"


class RunnerHeartbeat(models.Model):
    """The `--loop` runner's pulse: one row per (host, pid), refreshed every HEARTBEAT seconds
    while it runs; `stopped_at` is set when it stops cleanly (a kill leaves it stale)."""

    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-beat_at"]
        constraints = [models.UniqueConstraint(fields=["host", "pid"], name="unique_runner")]

    def __str__(self) -> str:
        return f"runner {self.host}:{self.pid} last beat {self.beat_at:%Y-%m-%d %H:%M:%S}"


class WorkflowStats(models.Model):
    """A workflow's order stats over the 7-day window, as of `computed_at` (each engine run
    recomputes them), so list pages read one table instead of every order."""

    workflow = models.OneToOneField(Workflow, on_delete=models.CASCADE, primary_key=True,
                                    related_name="stats")
    computed_at = models.DateTimeField()
    placed = models.PositiveIntegerField(default=0)
    live = models.PositiveIntegerField(default=0, help_text="Sent to a broker (not notify-only)")
    notified = models.PositiveIntegerField(default=0, help_text="Notify-only, not dry runs")
    dry = models.PositiveIntegerField(default=0)
    measured = models.PositiveIntegerField(default=0, help_text="Orders with an outcome")
    triggered = models.PositiveIntegerField(default=0)
    triggered_pct = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    filled_pct = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True,
                                     help_text="Of live Saxo orders; empty without any")
    median_mfe_pct = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    median_mae_pct = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name_plural = "workflow stats"

    def __str__(self) -> str:
        return f"{self.workflow_id}: {self.placed} placed, as of {self.computed_at:%Y-%m-%d %H:%M}"
