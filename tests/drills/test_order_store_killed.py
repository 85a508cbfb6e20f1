"""Drill: the order store (a real dynalite process) is SIGKILLed in the middle of a run.

SPEC §10: every triggered order is still placed and notified; after the restart 100% of the
records land (via the outbox) with zero duplicates.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from orders import services as order_services
from workflows import engine
from workflows.core.types import OrderIntent
from workflows.engine.deps import build_deps
from workflows.models import ClaimStatus, RunClaim

from .helpers import NOW, claim_ids, csv_settings, records_by_workflow, triggering_workflows

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORKFLOWS = 8
KILL_AT_ORDER = 3  # the store dies right after the 3rd order is notified, before its record


class KillStoreAfter:
    """The real notifier, plus: SIGKILL the store after the n-th order notification."""

    def __init__(self, notifier, store, n: int) -> None:
        self.notifier, self.store, self.n, self.seen = notifier, store, n, 0

    def order(self, intent: OrderIntent, **kwargs) -> None:
        self.notifier.order(intent, **kwargs)
        self.seen += 1
        if self.seen == self.n:
            self.store.kill()

    def error(self, **kwargs) -> None:
        self.notifier.error(**kwargs)


def test_store_killed_mid_run_loses_no_order_and_doubles_none(
    killable_store, slack_stub, settings, tmp_path
):
    csv_settings(settings, tmp_path)
    workflows = triggering_workflows(WORKFLOWS)
    deps = build_deps()
    killer = KillStoreAfter(deps.notifier, killable_store, KILL_AT_ORDER)

    summary = engine.run(NOW, deps=replace(deps, notifier=killer))

    assert not killable_store.alive
    assert (summary.triggered, summary.placed, summary.failed) == (WORKFLOWS, WORKFLOWS, 0)
    assert len(slack_stub.posts("#workflows")) == WORKFLOWS  # every order notified
    outboxed = RunClaim.objects.filter(status=ClaimStatus.OUTBOXED).count()
    assert outboxed == WORKFLOWS - KILL_AT_ORDER + 1
    assert order_services.pending_outbox_count() == outboxed
    assert len(slack_stub.posts("#errors")) == outboxed  # each outage reported once

    killable_store.start()  # same LevelDB files: what was written before the kill is there
    rerun = engine.run(NOW, deps=deps)  # the next run flushes the outbox first

    assert rerun.placed == 0 and rerun.triggered == WORKFLOWS  # all already handled
    assert order_services.pending_outbox_count() == 0
    records = records_by_workflow(workflows)
    claims = claim_ids()
    assert all(len(rows) == 1 for rows in records.values()), {
        wid: len(rows) for wid, rows in records.items()}
    assert {wid: rows[0].id for wid, rows in records.items()} == claims
    assert all(rows[0].placed_at == NOW for rows in records.values())
    assert len(slack_stub.posts("#workflows")) == WORKFLOWS  # nobody notified twice
