"""The claim's state machine: each ledger verb moves a claim only from the states it names."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from workflows.core.types import OrderIntent, OrderType, Placement, Side
from workflows.engine import ledger
from workflows.models import ClaimStatus, RunClaim

from .conftest import NOW

pytestmark = pytest.mark.django_db

ORDER_ID = "5b0c1f5e-7d8a-4c8e-9b6f-3f1f0d6f2a11"
LATER = NOW + timedelta(seconds=5)


def claimed() -> str:
    intent = OrderIntent(
        workflow_id="0d1e8a55-5c47-4f4e-8d3a-2b6c1d7e9f00", workflow_name="dax long",
        code="GER40.I", price=Decimal("22010"), quantity=Decimal("1"), side=Side.BUY,
        order_type=OrderType.LIMIT, trigger_candle_time=NOW - timedelta(hours=1),
        close_price=Decimal("22000"),
    )
    assert ledger.claim_order(intent, order_id=ORDER_ID, placed_at=NOW, now=NOW) is not None
    return ORDER_ID


def claim() -> RunClaim:
    return RunClaim.objects.get(order_id=ORDER_ID)


def test_placed_then_recorded_keeps_the_broker_answer():
    order_id = claimed()
    assert ledger.mark_placed(order_id, placement=Placement("saxo", "777"), now=NOW)
    assert ledger.mark_recorded(order_id, outcome="stored", now=LATER)
    row = claim()
    assert (row.status, row.broker, row.broker_order_id) == (ClaimStatus.RECORDED, "saxo", "777")
    assert row.updated_at == LATER


@pytest.mark.parametrize(("outcome", "status"), [
    ("stored", ClaimStatus.RECORDED),
    ("duplicate", ClaimStatus.RECORDED),
    ("outboxed", ClaimStatus.OUTBOXED),
])
def test_mark_recorded_follows_what_the_store_did(outcome, status):
    order_id = claimed()
    ledger.mark_placed(order_id, placement=Placement("notify"), now=NOW)
    ledger.mark_recorded(order_id, outcome=outcome, now=NOW)
    assert claim().status == status


def test_a_refused_order_is_failed_with_the_refusal():
    order_id = claimed()
    assert ledger.mark_failed(order_id, broker="saxo", error="x" * 3000, now=NOW)
    row = claim()
    assert (row.status, row.broker, len(row.error)) == (ClaimStatus.FAILED, "saxo", 2000)


def test_a_claim_not_yet_placed_cannot_be_recorded():
    order_id = claimed()
    assert not ledger.mark_recorded(order_id, outcome="stored", now=NOW)
    assert not ledger.mark_outboxed(order_id, now=NOW)
    assert claim().status == ClaimStatus.CLAIMED


def test_a_failed_claim_is_never_placed_or_recorded_later():
    order_id = claimed()
    ledger.mark_failed(order_id, broker="saxo", error="refused", now=NOW)
    assert not ledger.mark_placed(order_id, placement=Placement("saxo", "1"), now=LATER)
    assert not ledger.mark_recorded(order_id, outcome="stored", now=LATER)
    assert (claim().status, claim().broker_order_id) == (ClaimStatus.FAILED, "")


def test_a_second_placement_does_not_overwrite_the_first():
    order_id = claimed()
    ledger.mark_placed(order_id, placement=Placement("saxo", "1"), now=NOW)
    assert not ledger.mark_placed(order_id, placement=Placement("saxo", "2"), now=LATER)
    assert claim().broker_order_id == "1"


def test_an_unrecorded_order_stays_placed_with_the_error():
    order_id = claimed()
    ledger.mark_placed(order_id, placement=Placement("notify"), now=NOW)
    assert ledger.mark_unrecorded(order_id, error="collision", now=LATER)
    row = claim()
    assert (row.status, row.error) == (ClaimStatus.PLACED, "collision")
    assert ledger.mark_recorded(order_id, outcome="stored", now=LATER)
