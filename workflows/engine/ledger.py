"""The run ledger: order claims (never place twice) and the decision log (why it did or did not
trade). Both are Django models in `workflows.models`; this module is their only writer.

A claim is a plain INSERT guarded by the unique constraint (workflow, trigger candle, side, dry
run: a forced dry run never uses up the live order of a candle). The
database decides the race: between threads, processes or hosts, exactly one insert succeeds and
every other one raises IntegrityError, read here as "already handled". On SQLite the losing
writer waits for the lock (the 20 s `timeout` in settings) and then sees the conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from workflows import models
from workflows.core.types import OrderIntent
from workflows.engine.decisions import Decision

DECISION_RETENTION = timedelta(days=7)


@dataclass(frozen=True)
class Claim:
    """A claim this run won: our order id and the record's placed_at."""

    order_id: str
    placed_at: datetime


def claim_order(
    intent: OrderIntent, *, order_id: str, placed_at: datetime, now: datetime
) -> Claim | None:
    """Insert the claim for `intent`; None when (workflow, trigger candle, side, dry run) was
    already claimed by any run. Raises only on database errors other than the conflict."""
    try:
        with transaction.atomic():
            models.RunClaim.objects.create(
                workflow_id=intent.workflow_id,
                workflow_name=intent.workflow_name,
                trigger_candle_time=intent.trigger_candle_time,
                side=intent.side.value,
                order_id=order_id,
                placed_at=placed_at,
                dry_run=intent.dry_run,
                claimed_at=now,
                updated_at=now,
            )
    except IntegrityError:
        return None
    return Claim(order_id=order_id, placed_at=placed_at)


def existing_claim(intent: OrderIntent) -> models.RunClaim | None:
    """The claim another run made for `intent`, if any."""
    return models.RunClaim.objects.filter(
        workflow_id=intent.workflow_id,
        trigger_candle_time=intent.trigger_candle_time,
        side=intent.side.value,
        dry_run=intent.dry_run,
    ).first()


def update_claim(
    order_id: str,
    *,
    status: models.ClaimStatus,
    now: datetime,
    broker: str | None = None,
    broker_order_id: str | None = None,
    error: str | None = None,
) -> None:
    """Move a claim to `status`, keeping what the broker answered (or the error)."""
    fields: dict[str, object] = {"status": status, "updated_at": now}
    if broker is not None:
        fields["broker"] = broker
    if broker_order_id is not None:
        fields["broker_order_id"] = broker_order_id
    if error is not None:
        fields["error"] = error[:2000]
    models.RunClaim.objects.filter(order_id=order_id).update(**fields)


# --- decision log -------------------------------------------------------------------------------


def save_decision(decision: Decision, *, now: datetime) -> models.Decision:
    """Write one decision log row (`now` is the wall-clock time, used for retention)."""
    intent = decision.intent
    return models.Decision.objects.create(
        workflow_id=decision.workflow_id,
        workflow_name=decision.workflow_name,
        evaluated_at=decision.evaluated_at,
        created_at=now,
        outcome=decision.outcome.value,
        skip_code=decision.skip_code,
        reason=decision.reason,
        indicator_value=decision.indicator_value[:200],
        close_price=decision.close_price,
        condition_holds=decision.condition_holds,
        candles=decision.candles,
        order=_order_json(intent) if intent else None,
        order_id=decision.order_id,
        broker_result=decision.broker_result[:500],
        dry_run=decision.dry_run,
    )


def _order_json(intent: OrderIntent) -> dict[str, str]:
    return {
        "code": intent.code,
        "side": intent.side.record_name,
        "type": intent.order_type.value,
        "price": str(intent.price),
        "quantity": str(intent.quantity),
        "trigger_candle_time": intent.trigger_candle_time.isoformat(),
    }


def recent_decisions(*, workflow_id: str, limit: int = 10) -> list[models.Decision]:
    """The newest decision log rows of one workflow (selector for the workflow page)."""
    rows = models.Decision.objects.filter(workflow_id=workflow_id)
    return list(rows.order_by("-evaluated_at", "-id")[:limit])


def purge_decisions(*, now: datetime) -> int:
    """Delete decision log rows written more than 7 days before `now`; returns the count."""
    deleted, _ = models.Decision.objects.filter(created_at__lt=now - DECISION_RETENTION).delete()
    return deleted
