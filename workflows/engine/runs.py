"""One engine run (SPEC §5), exposed as `workflows.engine.run`.

flush the outbox -> select due workflows -> prefetch every series they need (concurrently,
once each) -> `pipeline.run_one` per workflow, isolated -> decision log + errors channel.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import date, datetime

from django.db.models import Q

from orders import services as order_services
from orders.errors import OrderStoreUnavailable
from workflows.core.types import MarketData, WorkflowSpec
from workflows.engine import ledger, outcomes, pipeline, runlog, sync
from workflows.engine.decisions import RunOptions, RunSummary, WorkflowDecision
from workflows.engine.deps import Deps
from workflows.engine.sharing import SharedMarketData, candle_requests
from workflows.models import Outcome, Workflow
from workflows.specs import spec_from_workflow

log = logging.getLogger(__name__)

class UnknownWorkflowError(LookupError):
    """`--workflow` named a workflow that does not exist."""


def run(now: datetime, *, deps: Deps, options: RunOptions | None = None) -> RunSummary:
    """Run every due workflow once as of `now` (aware UTC), then measure order outcomes;
    the run's start, end, host and summary go to the run ledger (`EngineRun`).

    Each workflow is isolated: its failure becomes a FAILED decision, one errors-channel
    message, and the run goes on. Raises UnknownWorkflowError for an unknown `--workflow`;
    database errors while selecting workflows propagate (a setup error).
    """
    options = options or RunOptions()
    entry = runlog.start_run(now=now, source=options.source, started_at=deps.clock())
    try:
        summary = run_workflows(now, deps=deps, options=options)
    except BaseException as exc:
        runlog.finish_run(entry, finished_at=deps.clock(), summary={},
                          error=f"{type(exc).__name__}: {exc}")
        raise
    runlog.finish_run(entry, finished_at=deps.clock(), summary=asdict(summary))
    return summary


def run_now(now: datetime, *, deps: Deps, workflow_id: str) -> WorkflowDecision | None:
    """"Run now": one workflow as `run` runs it (outbox flush, decision log, errors channel,
    run ledger), dry run forced, no outcome measuring. Returns its decision, or None when it
    was not due (disabled, archived, past its end date). Raises UnknownWorkflowError."""
    decisions: list[WorkflowDecision] = []
    options = RunOptions(names_or_ids=[workflow_id], dry_run=True, source="run_now",
                         measure_outcomes=False, progress=decisions.append)
    run(now, deps=deps, options=options)
    return decisions[0] if decisions else None


def run_workflows(now: datetime, *, deps: Deps, options: RunOptions) -> RunSummary:
    """The run itself (see `run`), without the run ledger."""
    flush_outbox(deps)
    sync.sync_guarded(deps, now)
    specs = due_specs(now.date(), options)
    shared = SharedMarketData(deps.market_data, now=now, workers=deps.fetch_concurrency)
    shared.prefetch(request for spec in specs for request in candle_requests(spec))
    run_deps = replace(deps, market_data=shared, open_positions=sync.open_positions(deps))
    decisions: list[WorkflowDecision] = []
    for spec in specs:
        if options.stop is not None and options.stop.is_set():
            return RunSummary.of(decisions, stopped=True)
        decision = run_guarded(spec, now, run_deps)
        finish(decision, deps)
        decisions.append(decision)
        if options.progress is not None:
            options.progress(decision)
    if options.measure_outcomes:
        measure_outcomes(now, shared)
    return RunSummary.of(decisions)


def measure_outcomes(now: datetime, market_data: MarketData) -> None:
    """The outcome step (engine/outcomes.py); its failure is logged and never fails the run."""
    try:
        report = outcomes.measure_outcomes(now, market_data=market_data)
    except OrderStoreUnavailable as exc:  # measured again next run
        log.warning("order outcomes not measured this run: %s", exc)
        return
    except Exception:  # noqa: BLE001 - outcomes are a report on the past; trading goes on
        log.exception("measuring order outcomes failed")
        return
    log.info("outcomes: %s orders in the window, %s measured, %s updated, %s without bars",
             report.orders, report.measured, report.updated, report.no_data)


def flush_outbox(deps: Deps) -> None:
    """Land the records an earlier run could not write (same ids: nothing doubled)."""
    try:
        result = order_services.flush_outbox(now=deps.clock())
    except Exception:  # noqa: BLE001 - a broken outbox must not stop trading
        log.exception("flushing the order outbox failed")
        return
    if result.written or result.duplicates or result.failed:
        log.info("outbox: %s written, %s already there, %s still pending",
                 result.written, result.duplicates, result.failed)


def run_guarded(spec: WorkflowSpec, now: datetime, deps: Deps) -> WorkflowDecision:
    """`pipeline.run_one`, with any unexpected exception turned into a FAILED decision."""
    try:
        return pipeline.run_one(spec, now, deps)
    except Exception as exc:  # noqa: BLE001 - isolation: one workflow never stops the run
        log.exception("workflow %s failed", spec.name)
        message = f"{type(exc).__name__}: {exc}"
        return WorkflowDecision(spec.id, spec.name, now, outcome=Outcome.FAILED,
                                dry_run=spec.dry_run, reason=f"unexpected error: {message}",
                                error=message)


def finish(decision: WorkflowDecision, deps: Deps) -> None:
    """Write the decision log row and tell the errors channel (once) about a failure."""
    try:
        ledger.save_decision(decision, now=deps.clock())
    except Exception:  # noqa: BLE001 - logged; the order itself is already handled
        log.exception("decision log of %s not written", decision.workflow_name)
    if decision.error is None:
        return
    try:
        deps.notifier.error(workflow_name=decision.workflow_name, message=decision.error)
    except Exception:  # noqa: BLE001 - a Slack failure is logged, never fatal
        log.exception("errors-channel notification for %s failed", decision.workflow_name)


# --- selection ----------------------------------------------------------------------------------


def due_specs(today: date, options: RunOptions) -> list[WorkflowSpec]:
    """Enabled, not archived, end date not passed, in the shard and the `--workflow` selection,
    by name; forced to dry run when `options.dry_run`."""
    rows = Workflow.objects.filter(enabled=True, archived_at__isnull=True)
    if options.names_or_ids:
        rows = rows.filter(selection(options.names_or_ids))
    specs = [spec_from_workflow(row) for row in rows.prefetch_related("conditions")]
    due = [s for s in specs if s.conditions and s.is_due(today) and in_shard(s, options.shard)]
    if options.dry_run:
        due = [replace(spec, dry_run=True) for spec in due]
    return due


def selection(names_or_ids: Sequence[str]) -> Q:
    """A filter for names or ids; raises UnknownWorkflowError naming any that matches nothing."""
    ids = {value: _uuid(value) for value in names_or_ids}
    query = Q(name__in=list(names_or_ids)) | Q(id__in=[u for u in ids.values() if u])
    found = Workflow.objects.filter(query).values_list("name", "id")
    known = {name for name, _ in found} | {str(pk) for _, pk in found}
    missing = [v for v in names_or_ids if v not in known and str(ids[v]) not in known]
    if missing:
        raise UnknownWorkflowError(f"unknown workflow(s): {', '.join(missing)}")
    return query


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def in_shard(spec: WorkflowSpec, shard: tuple[int, int] | None) -> bool:
    """Shard k of n (1-based), stable across runs and hosts: the workflow UUID modulo n."""
    if shard is None:
        return True
    k, n = shard
    return uuid.UUID(spec.id).int % n == k - 1
