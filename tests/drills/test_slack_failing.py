"""Drill: Slack answers 500 or 429 to every call.

The run completes, every order is placed and recorded, and the notifier's retries are bounded
(a 429 is retried at most twice, honouring Retry-After; a 500 is not retried) so a Slack
outage costs seconds, not minutes.
"""

from __future__ import annotations

import time

import pytest

from workflows import engine
from workflows.engine.deps import build_deps
from workflows.models import ClaimStatus, RunClaim

from .helpers import NOW, csv_settings, records_by_workflow, triggering_workflows

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

WORKFLOWS = 5
MAX_CALLS_PER_MESSAGE = {500: 1, 429: 3}  # slack_client: RateLimitErrorRetryHandler(2)


@pytest.mark.parametrize("status", [500, 429])
def test_run_completes_with_bounded_retries_when_slack_fails(
    status, order_store, slack_stub, settings, tmp_path
):
    csv_settings(settings, tmp_path)
    workflows = triggering_workflows(WORKFLOWS)
    slack_stub.status = status

    started = time.monotonic()
    summary = engine.run(NOW, deps=build_deps())
    elapsed = time.monotonic() - started

    assert (summary.evaluated, summary.placed, summary.failed) == (WORKFLOWS, WORKFLOWS, 0)
    assert all(len(rows) == 1 for rows in records_by_workflow(workflows).values())
    assert set(RunClaim.objects.values_list("status", flat=True)) == {ClaimStatus.RECORDED}
    messages = WORKFLOWS  # one order message each; no errors-channel message is due
    calls = slack_stub.posts()
    assert len(calls) == messages * MAX_CALLS_PER_MESSAGE[status]
    assert len(slack_stub.posts("#workflows")) == len(calls)
    assert elapsed < 15
