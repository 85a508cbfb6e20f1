"""`run_one`: the pipeline for one workflow (SPEC §5 steps 2-7), returning its
`WorkflowDecision`. (`runs.py` holds the entry points that call it for every due workflow.)

evaluate -> build the order -> claim -> place -> notify -> record; each claim move is a ledger
verb. Expected failures (market data, indicator, broker, store) become the decision's outcome
and `error`; `engine.run` wraps this in a last-resort guard for anything unexpected and writes
the decision log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from orders import events
from orders import services as order_services
from orders.errors import OrderCollision
from orders.lifecycle import initial_status, sequence
from orders.records import OrderRecord
from workflows.core import conditions
from workflows.core.indicators import IndicatorError
from workflows.core.intents import build_order
from workflows.core.types import (
    Broker,
    BrokerError,
    Candle,
    MarketData,
    MarketDataError,
    OrderIntent,
    Placement,
    SkipReason,
    WorkflowSpec,
)
from workflows.engine import ledger, working
from workflows.engine.brokers import NotifyOnlyBroker
from workflows.engine.decisions import WorkflowDecision
from workflows.engine.deps import Deps
from workflows.engine.sharing import CandleRequest, SharedMarketData, candle_requests
from workflows.models import ClaimStatus, Outcome

log = logging.getLogger(__name__)

NOTIFY_ONLY = NotifyOnlyBroker()


@dataclass(frozen=True)
class Seen:
    """The candles one workflow was evaluated on (newest first)."""

    indicator: list[Candle]
    close: Candle
    trigger: Candle


def run_one(spec: WorkflowSpec, now: datetime, deps: Deps) -> WorkflowDecision:
    """Evaluate `spec` as of `now` and, when its condition holds, place, notify and record the
    order exactly once (claim first). Never raises for market-data, indicator, broker or store
    failures: they are in the returned decision (`error` set when the errors channel must know).
    """
    decision = WorkflowDecision(spec.id, spec.name, now, dry_run=spec.dry_run)
    try:
        seen = fetch_seen(spec, now, deps.market_data)
    except MarketDataError as exc:
        message = f"Can't get candles for {spec.name}: {exc}"
        return replace(decision, outcome=Outcome.FAILED, reason=message, error=message)
    decision = replace(decision, candles=candle_times(spec, seen), close_price=seen.close.close)
    try:
        value = conditions.indicator_value(
            spec.condition.indicator, seen.indicator, now=now, market=spec.market
        )
    except IndicatorError as exc:
        return replace(decision, skip_code="indicator_error", reason=f"Skipping workflow: {exc}")
    evaluation = conditions.evaluate(spec.condition, value, seen.close)
    decision = replace(
        decision,
        indicator_value=value.describe(),
        condition_holds=evaluation.holds,
        reason=evaluation.reason,
    )
    built = build_order(spec, holds=evaluation.holds, trigger=seen.trigger,
                        close_price=seen.close.close)
    if isinstance(built, SkipReason):
        return skipped(decision, built, evaluation.reason)
    return handle_order(replace(decision, intent=built), built, now, deps)


def skipped(decision: WorkflowDecision, skip: SkipReason, evaluation: str) -> WorkflowDecision:
    reason = skip.message if skip.message in evaluation else f"{skip.message}: {evaluation}"
    return replace(decision, skip_code=skip.code.value, reason=reason)


# --- candles ------------------------------------------------------------------------------------


def candles_of(source: MarketData, request: CandleRequest, now: datetime) -> list[Candle]:
    if isinstance(source, SharedMarketData):
        return source.candles(request)
    return SharedMarketData(source, now=now, workers=1).candles(request)


def fetch_seen(spec: WorkflowSpec, now: datetime, source: MarketData) -> Seen:
    """Indicator candles (index), close and trigger candles (cfd). Raises MarketDataError,
    including when the close or trigger series is empty."""
    indicator, close, trigger = (candles_of(source, r, now) for r in candle_requests(spec))
    if not close or not trigger:
        raise MarketDataError(f"Can't retrieve the close/trigger candle of {spec.cfd}")
    return Seen(indicator=indicator, close=close[0], trigger=trigger[0])


def candle_times(spec: WorkflowSpec, seen: Seen) -> dict[str, Any]:
    """The decision log's "candles used": the indicator range and the two single candles."""
    c = spec.condition
    newest = seen.indicator[0].time.isoformat() if seen.indicator else None
    oldest = seen.indicator[-1].time.isoformat() if seen.indicator else None
    return {
        "indicator": {"symbol": spec.index, "ut": c.indicator.ut.value,
                      "count": len(seen.indicator), "newest": newest, "oldest": oldest},
        "close": {"symbol": spec.cfd, "ut": c.close.ut.value,
                  "time": seen.close.time.isoformat()},
        "trigger": {"symbol": spec.cfd, "ut": spec.trigger.ut.value,
                    "time": seen.trigger.time.isoformat()},
    }


# --- claim, place, notify, record ---------------------------------------------------------------


def handle_order(
    decision: WorkflowDecision, intent: OrderIntent, now: datetime, deps: Deps
) -> WorkflowDecision:
    held = working.position_open(intent, deps.open_positions)
    if held:
        return replace(decision, skip_code=working.POSITION_OPEN,
                       reason=f"position open: order {held} of this workflow opened a position "
                              "that is still open; nothing placed")
    order_id = deps.new_order_id()
    claim = ledger.claim_order(intent, order_id=order_id, placed_at=now, now=deps.clock())
    if claim is None:
        return already_handled(decision, intent, deps)
    decision = replace(decision, order_id=order_id)
    broker = NOTIFY_ONLY if intent.dry_run else deps.broker
    previous = working.predecessor(intent, now, broker)
    try:
        placement = working.send(broker, intent, order_id=order_id, previous=previous)
    except BrokerError as exc:
        return rejected(decision, broker, exc, deps, previous=previous)
    ledger.mark_placed(order_id, placement=placement, now=deps.clock())
    asset_type = lookup_asset_type(broker, intent.code)
    result = describe_placement(placement, dry_run=intent.dry_run, previous=previous)
    notify_order(deps, intent, asset_type=asset_type, order_id=order_id, result=result)
    record = order_record(intent, order_id, now, placement, asset_type, deps.execution_context,
                          replaces=previous.id if previous else None)
    outcome = recorded(replace(decision, broker_result=result), record, deps)
    if outcome.error is None:  # the new row is in the history: the old one is replaced
        working.mark_replaced(previous, record)
    return outcome


def rejected(
    decision: WorkflowDecision, broker: Broker, exc: BrokerError, deps: Deps, *,
    previous: OrderRecord | None = None,
) -> WorkflowDecision:
    assert decision.order_id is not None and decision.intent is not None
    ledger.mark_failed(decision.order_id, broker=broker.name, error=str(exc), now=deps.clock())
    placement = Placement(broker=broker.name)
    record = order_record(decision.intent, decision.order_id, decision.evaluated_at, placement,
                          None, deps.execution_context,
                          replaces=previous.id if previous else None)
    working.record_rejection(working.rejected_record(record, exc))
    verb = "modification" if previous else "order"
    message = f"{broker.name} rejected the {verb}: {exc}"
    return replace(decision, outcome=Outcome.REJECTED, broker_result=message,
                   reason=message, error=message)


def recorded(decision: WorkflowDecision, record: OrderRecord, deps: Deps) -> WorkflowDecision:
    """Write the order record. Any failure of the write (store down, timed out, throttled,
    a collision, anything unexpected) keeps it in the outbox, and the errors channel hears of
    it; only a failing outbox (the database) leaves the order placed but not recorded."""
    try:
        stored = order_services.record_order(record=record)
    except OrderCollision as exc:
        try:
            order_services.keep_in_outbox(record, error=str(exc))
        except Exception as outbox_exc:  # noqa: BLE001 - the outbox failed too: visible
            return not_recorded(decision, record, deps, outbox_exc)
        return outboxed(decision, record, deps, why=str(exc))
    except Exception as exc:  # noqa: BLE001 - the outbox itself failed: must be visible
        return not_recorded(decision, record, deps, exc)
    events.record_placement_event(record)
    if stored == "outboxed":
        return outboxed(decision, record, deps, why="order store unavailable")
    ledger.mark_recorded(record.id, outcome=stored, now=deps.clock())
    return replace(decision, outcome=Outcome.ORDERED)


def outboxed(
    decision: WorkflowDecision, record: OrderRecord, deps: Deps, *, why: str
) -> WorkflowDecision:
    """The record waits in the outbox: the claim says so, the errors channel hears why."""
    ledger.mark_outboxed(record.id, now=deps.clock(), error=why)
    message = f"order {record.id} placed; {why}, record kept in the outbox"
    return replace(decision, outcome=Outcome.ORDERED, error=message)


def not_recorded(decision: WorkflowDecision, record: OrderRecord, deps: Deps,
                 exc: Exception) -> WorkflowDecision:
    log.error("order %s placed but not recorded: %r", record.id, record, exc_info=exc)
    message = f"order {record.id} was placed but not recorded: {exc}"
    ledger.mark_unrecorded(record.id, error=str(exc), now=deps.clock())
    return replace(decision, outcome=Outcome.FAILED, reason=message, error=message)


def already_handled(
    decision: WorkflowDecision, intent: OrderIntent, deps: Deps
) -> WorkflowDecision:
    """Someone claimed this order first. If that run placed it but stopped before recording,
    record it now with the claim's id and time (a replay of the same record is a no-op)."""
    claim = ledger.existing_claim(intent)
    if claim is None:  # only possible if the claim was deleted in between
        return replace(decision, outcome=Outcome.ALREADY_HANDLED, reason="already handled")
    when = f"{claim.claimed_at:%Y-%m-%d %H:%M:%S} UTC"
    reason = f"already handled: order {claim.order_id} claimed at {when} ({claim.status})"
    decision = replace(decision, outcome=Outcome.ALREADY_HANDLED, order_id=str(claim.order_id),
                       reason=reason, broker_result=claim.broker_order_id or claim.broker)
    if claim.status != ClaimStatus.PLACED:
        return decision
    placement = Placement(broker=claim.broker or NOTIFY_ONLY.name,
                          broker_order_id=claim.broker_order_id or None)
    previous = working.recovered_predecessor(
        intent, claim.placed_at, placement, NOTIFY_ONLY if intent.dry_run else deps.broker)
    record = order_record(intent, str(claim.order_id), claim.placed_at, placement,
                          NOTIFY_ONLY.asset_type(intent.code), deps.execution_context,
                          replaces=previous.id if previous else None)
    recovered = recorded(decision, record, deps)
    if recovered.outcome == Outcome.FAILED:
        return recovered
    if recovered.error is None:
        working.mark_replaced(previous, record)
    return replace(recovered, outcome=Outcome.ALREADY_HANDLED,
                   reason=f"{reason}; its record was written now")


def lookup_asset_type(broker: Broker, symbol: str) -> str | None:
    try:
        return broker.asset_type(symbol)
    except Exception:  # noqa: BLE001 - only picks the Slack channel; never blocks an order
        log.warning("asset type of %s unknown", symbol, exc_info=True)
        return NOTIFY_ONLY.asset_type(symbol)


def describe_placement(placement: Placement, *, dry_run: bool,
                       previous: OrderRecord | None = None) -> str:
    replaces = f" (replaces order {previous.id})" if previous else ""
    if dry_run:
        return f"dry run: not sent to a broker{replaces}"
    if placement.broker_order_id:
        verb = "modified" if previous else "order"
        return f"{placement.broker} {verb} {placement.broker_order_id}{replaces}"
    return f"{placement.broker}: notified only, no broker order{replaces}"


def notify_order(deps: Deps, intent: OrderIntent, *, asset_type: str | None, order_id: str,
                 result: str) -> None:
    try:
        deps.notifier.order(intent, asset_type=asset_type, order_id=order_id, broker_result=result)
    except Exception:  # noqa: BLE001 - a Slack failure never blocks placing or recording
        log.exception("notification of order %s (%s) failed", order_id, intent.workflow_name)


def order_record(intent: OrderIntent, order_id: str, placed_at: datetime, placement: Placement,
                 asset_type: str | None, context: str, replaces: str | None = None
                 ) -> OrderRecord:
    status = initial_status(dry_run=intent.dry_run, broker=placement.broker)
    return OrderRecord(
        id=order_id,
        workflow_id=intent.workflow_id,
        workflow_name=intent.workflow_name,
        placed_at=placed_at,
        order_code=intent.code,
        order_price=intent.price,
        order_quantity=intent.quantity,
        order_direction=intent.side.record_name,
        order_type=intent.order_type.value,
        asset_type=asset_type,
        trigger_close=intent.close_price,
        trigger_candle_time=intent.trigger_candle_time,
        dry_run=intent.dry_run,
        broker=placement.broker,
        broker_order_id=placement.broker_order_id,
        execution_context=context,
        status=status.value,
        status_at=placed_at,
        status_seq=sequence(placed_at, status),
        replaces=replaces,
    )
