"""The detail page's decision log: plain words, identical consecutive outcomes collapsed with a
count and time range, a disabled workflow said to be disabled (issue 17 item 7)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from workflows.models import Decision

pytestmark = pytest.mark.django_db

NOT_MET = "condition does not hold: ma50 18240; close 18120, high 18130 not in [18235, 18240]"


def decide(wf, at, **values) -> Decision:
    fields = {"outcome": "no_order", "skip_code": "condition_false", "reason": NOT_MET,
              "indicator_value": "ma50 18240", "close_price": Decimal("18120"),
              "condition_holds": False}
    fields.update(values)
    return Decision.objects.create(workflow_id=wf.id, workflow_name=wf.name, evaluated_at=at,
                                   created_at=at, **fields)


def decision_rows(html: str) -> list[str]:
    log = html.split("data-decision-log", 1)[1].split("</section>", 1)[0]
    return log.split("<tr data-decision-count=")[1:]


def test_six_identical_hours_are_one_row_with_the_count_and_plain_words(
    trader_client, make_workflow, order_store, now
):
    wf = make_workflow("dax")
    for hours in range(1, 7):
        decide(wf, now - timedelta(hours=hours))
    decide(wf, now - timedelta(minutes=5), outcome="ordered", skip_code="", condition_holds=True,
           reason="ma50 18240; close 18236 in [18235, 18240]", dry_run=True)
    rows = decision_rows(trader_client.get(f"/workflows/{wf.id}/").content.decode())
    assert len(rows) == 2
    assert rows[0].startswith('"1"') and "Order placed" in rows[0] and "DRY RUN" in rows[0]
    assert "close 18,236 was within MA50 18,240 − spread 5 (18,235 – 18,240)" in rows[0]
    assert rows[1].startswith('"6"') and "6 times since" in rows[1]
    assert ("close 18,120 and high 18,130 were not within MA50 18,240 − spread 5 "
            "(18,235 – 18,240)") in rows[1]
    oldest = (now - timedelta(hours=6)).strftime("%Y-%m-%d %H:%M UTC")
    assert oldest in rows[1]  # the range's start, turned into the viewer's zone by the browser


def test_a_disabled_workflow_says_disabled_not_not_evaluated(
    trader_client, make_workflow, order_store, now
):
    off = make_workflow("off", enabled=False)
    log = trader_client.get(f"/workflows/{off.id}/").content.decode().split(
        "data-decision-log", 1)[1].split("</section>", 1)[0]
    assert "Disabled" in log and "skips this workflow until it is enabled" in log
    assert "not evaluated" not in log and "No decisions yet" not in log
    decide(off, now - timedelta(days=1))
    html = trader_client.get(f"/workflows/{off.id}/").content.decode()
    assert "the rows below are from before" in html and len(decision_rows(html)) == 1
