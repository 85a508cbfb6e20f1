"""Drill: the order store (a real dynalite process) hangs — SIGSTOP — in the middle of
`run_workflows`, then comes back (SIGCONT) or is restarted.

A hung store is worse than a dead one: connections succeed and then nothing answers, so botocore
raises ReadTimeoutError with no response (issue 14). SPEC §5 step 7: every triggered order is
still placed and notified, its record waits in the outbox, the API answers 503 while the store
hangs, and after the flush 100% of the records are in the store exactly once and every claim
says "recorded".
"""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from korder_site.auth import create_api_token
from orders import services as order_services
from workflows.models import ClaimStatus, RunClaim

from .helpers import NOW, claim_ids, csv_settings, records_by_workflow, triggering_workflows

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WORKFLOWS = 6
FREEZE_AT_ORDER = 2  # the store hangs while the 2nd order is being notified, before its record
FROZEN = WORKFLOWS - FREEZE_AT_ORDER + 1


def freeze_after_posts(slack_stub, store, n: int) -> None:
    """SIGSTOP the store when the n-th order notification reaches Slack."""
    seen = []

    def hook(body: dict[str, Any]) -> None:
        if body.get("channel") == "#workflows":
            seen.append(body)
            if len(seen) == n:
                store.freeze()

    slack_stub.on_post = hook


def api_client() -> Client:
    user = User.objects.create_user("drill")
    token = create_api_token(user=user, name="drill")[1]
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("recovery", ["sigcont", "restart"])
def test_store_hanging_mid_run_loses_no_record_and_doubles_none(
    killable_store, slack_stub, settings, tmp_path, recovery
):
    settings.KORDER_DYNAMODB_CONNECT_TIMEOUT_MS = 300
    settings.KORDER_DYNAMODB_READ_TIMEOUT_MS = 300
    csv_settings(settings, tmp_path)
    workflows = triggering_workflows(WORKFLOWS)
    freeze_after_posts(slack_stub, killable_store, FREEZE_AT_ORDER)

    started = time.monotonic()
    out = StringIO()
    call_command("run_workflows", "--at", NOW.isoformat(), stdout=out)
    run_seconds = time.monotonic() - started

    assert f"placed {WORKFLOWS}" in out.getvalue(), out.getvalue()
    assert len(slack_stub.posts("#workflows")) == WORKFLOWS  # every order placed and notified
    statuses = list(RunClaim.objects.values_list("status", flat=True))
    assert statuses.count(ClaimStatus.OUTBOXED) == FROZEN, statuses
    assert statuses.count(ClaimStatus.RECORDED) == WORKFLOWS - FROZEN
    assert order_services.pending_outbox_count() == FROZEN
    errors = [post["text"] for post in slack_stub.posts("#errors")]
    assert len(errors) == FROZEN and all("outbox" in text for text in errors), errors
    assert not any("not recorded" in text for text in errors)

    api = api_client()
    some = workflows[0].id
    for path in (f"/api/workflow/workflows/{some}/orders", "/api/workflow/orders"):
        answer = api.get(path)  # the history path runs the COUNT query too
        assert answer.status_code == 503, (path, answer.status_code, answer.content[:300])
    assert Client().get("/healthz").status_code == 503

    if recovery == "sigcont":
        killable_store.thaw()  # it also answers the puts that timed out: the flush must not double
    else:
        killable_store.kill()
        killable_store.start()
    flushed = StringIO()
    call_command("flush_outbox", stdout=flushed)

    assert "failed 0; 0 pending" in flushed.getvalue(), flushed.getvalue()
    records = records_by_workflow(workflows)
    assert sum(len(rows) for rows in records.values()) == WORKFLOWS  # 100% landed, 0 doubled
    assert {wid: [r.id for r in rows] for wid, rows in records.items()} == {
        wid: [order_id] for wid, order_id in claim_ids().items()}
    assert set(RunClaim.objects.values_list("status", flat=True)) == {ClaimStatus.RECORDED}
    assert api.get(f"/api/workflow/workflows/{some}/orders").status_code == 200
    print(f"\n[{recovery}] run with a hung store: {run_seconds:.1f} s for {WORKFLOWS} orders "
          f"({FROZEN} outboxed); total {time.monotonic() - started:.1f} s")
