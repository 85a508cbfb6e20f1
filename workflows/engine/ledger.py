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
from django.db.models import Max

from orders.services import RecordOutcome
from workflows import models
from workflows.core.types import OrderIntent, Placement
from workflows.engine.decisions import WorkflowDecision

DECISION_RETENTION = timedelta(days=7)
ERROR_MAX = 2000


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


# The claim's state machine: claimed -> placed | failed; placed -> recorded | outboxed. A verb
# moves a claim only from the states it names, so a late or repeated call changes nothing.
_MOVES: dict[models.ClaimStatus, tuple[models.ClaimStatus, ...]] = {
    models.ClaimStatus.PLACED: (models.ClaimStatus.CLAIMED,),
    models.ClaimStatus.FAILED: (models.ClaimStatus.CLAIMED,),
    # outboxed -> recorded when a flush lands the record
    models.ClaimStatus.RECORDED: (models.ClaimStatus.PLACED, models.ClaimStatus.OUTBOXED),
    models.ClaimStatus.OUTBOXED: (models.ClaimStatus.PLACED,),
}


def _move(order_id: str, to: models.ClaimStatus, *, now: datetime, **fields: str) -> bool:
    """Move the claim `order_id` to `to` if it is in a state that may move there."""
    changed = models.RunClaim.objects.filter(order_id=order_id, status__in=_MOVES[to]).update(
        status=to, updated_at=now, **fields
    )
    return changed == 1


def mark_placed(order_id: str, *, placement: Placement, now: datetime) -> bool:
    """The broker accepted (or, notify-only, was not asked): claimed -> placed, keeping what
    the broker answered. False when the claim was not at `claimed`."""
    return _move(order_id, models.ClaimStatus.PLACED, now=now, broker=placement.broker,
                 broker_order_id=placement.broker_order_id or "")


def mark_failed(order_id: str, *, broker: str, error: str, now: datetime) -> bool:
    """The broker refused: claimed -> failed, with the refusal. False when not at `claimed`."""
    return _move(order_id, models.ClaimStatus.FAILED, now=now, broker=broker,
                 error=error[:ERROR_MAX])


def mark_recorded(order_id: str, *, outcome: RecordOutcome, now: datetime) -> bool:
    """The order record was written (`stored`, or already there: `duplicate`) -> recorded;
    `outboxed` -> outboxed. False when the claim was not at `placed`."""
    if outcome == "outboxed":
        return mark_outboxed(order_id, now=now)
    return _move(order_id, models.ClaimStatus.RECORDED, now=now)


def mark_outboxed(order_id: str, *, now: datetime, error: str = "") -> bool:
    """The write failed (store down, timed out, collision...); the record waits in the
    outbox: placed -> outboxed, keeping why."""
    fields = {"error": error[:ERROR_MAX]} if error else {}
    return _move(order_id, models.ClaimStatus.OUTBOXED, now=now, **fields)


def mark_unrecorded(order_id: str, *, error: str, now: datetime) -> bool:
    """Writing the record failed and the outbox did not take it: the claim stays `placed`
    (a later run of the same candle records it) and keeps the error."""
    changed = models.RunClaim.objects.filter(
        order_id=order_id, status=models.ClaimStatus.PLACED
    ).update(updated_at=now, error=error[:ERROR_MAX])
    return changed == 1


def mark_landed(order_ids: list[str], *, now: datetime) -> int:
    """Records that reached the store later (an outbox flush, any process): outboxed (or
    placed) -> recorded. Returns how many claims moved."""
    claims = models.RunClaim.objects.filter(
        order_id__in=order_ids, status__in=_MOVES[models.ClaimStatus.RECORDED]
    )
    return claims.update(status=models.ClaimStatus.RECORDED, updated_at=now)


def records_landed(*, order_ids: list[str], now: datetime, **_: object) -> None:
    """Receiver of `orders.signals.records_landed` (connected in WorkflowsConfig.ready)."""
    mark_landed(order_ids, now=now)


# --- decision log -------------------------------------------------------------------------------


def save_decision(decision: WorkflowDecision, *, now: datetime) -> models.Decision:
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


# --- broker orders (lifecycle sync, one working order per workflow; SPEC §12) -----------------

_AT_BROKER = (models.ClaimStatus.PLACED, models.ClaimStatus.RECORDED, models.ClaimStatus.OUTBOXED)


def broker_claims(*, broker: str, since: datetime) -> list[models.RunClaim]:
    """Claims of orders placed at `broker` since `since`, oldest first: what a sync matches the
    broker's order log against (several claims share a broker order id after modifications)."""
    rows = models.RunClaim.objects.filter(broker=broker, placed_at__gte=since,
                                          status__in=_AT_BROKER, dry_run=False)
    return list(rows.order_by("placed_at"))


def workflow_broker_order_ids(workflow_id: str) -> set[str]:
    """Every broker order id the workflow's orders had (a position's SourceOrderId is one)."""
    rows = models.RunClaim.objects.filter(workflow_id=workflow_id, dry_run=False)
    return {oid for oid in rows.values_list("broker_order_id", flat=True) if oid}


def claim_of_broker_order(broker_order_id: str) -> models.RunClaim | None:
    """The newest claim that holds this broker order id (k-order placed it), else None."""
    rows = models.RunClaim.objects.filter(broker_order_id=broker_order_id, dry_run=False)
    return rows.order_by("-placed_at").first()


# --- what has run (replays start after it) --------------------------------------------------


def last_evaluated_at() -> datetime | None:
    """The newest run time in the decision log (every run writes one row per evaluated
    workflow), or None when nothing has run yet: a replay covers only the slots after it."""
    return models.Decision.objects.aggregate(newest=Max("evaluated_at"))["newest"]
