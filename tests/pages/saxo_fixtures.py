"""Fixtures for the exposure panel and the order lifecycle pages: the Saxo broker on the fake,
orders k-order placed there (claim, history row and placement event, as the engine leaves
them), and a user allowed to trade."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from orders import events
from orders import services as order_services
from orders.records import OrderRecord
from workflows.core.types import OrderIntent, OrderType, Side
from workflows.models import ClaimStatus, RunClaim, Workflow
from workflows.saxo.broker import SaxoBroker


@pytest.fixture
def saxo_live(saxo_broker):
    """KORDER_BROKER=saxo on the fake Saxo (static SIM token, known account)."""
    return saxo_broker


def trade_permission() -> Permission:
    """`workflows.trade` (the security work adds it by migration; made here if missing)."""
    content_type = ContentType.objects.get_for_model(Workflow)
    permission, _ = Permission.objects.get_or_create(
        codename="trade", content_type=content_type, defaults={"name": "Can trade"})
    return permission


@pytest.fixture
def dealer(django_user_model):
    """A Trader: may cancel orders."""
    user = django_user_model.objects.create_user("dealer", password="a-long-test-password")
    user.user_permissions.add(trade_permission())
    return user


@pytest.fixture
def saxo_order(saxo_live) -> Callable[..., tuple[OrderRecord, str]]:
    """Place a working SELL stop for `workflow` at the fake Saxo as the engine would."""

    def place(workflow: Workflow, placed_at: datetime, **overrides: Any
              ) -> tuple[OrderRecord, str]:
        order_id = str(uuid.uuid4())
        intent = OrderIntent(
            workflow_id=str(workflow.id), workflow_name=workflow.name, code=workflow.cfd,
            price=Decimal("22150.5"), quantity=Decimal("0.5"), side=Side.SELL,
            order_type=OrderType.OPEN_STOP, trigger_candle_time=placed_at - timedelta(hours=1),
            close_price=Decimal("22160"))
        broker_id = SaxoBroker(saxo_live.client()).place(intent, order_id=order_id)\
            .broker_order_id
        RunClaim.objects.create(
            workflow_id=workflow.id, workflow_name=workflow.name,
            trigger_candle_time=intent.trigger_candle_time, side="sell", order_id=order_id,
            placed_at=placed_at, status=ClaimStatus.RECORDED, broker="saxo",
            broker_order_id=broker_id, claimed_at=placed_at, updated_at=placed_at)
        record = OrderRecord(
            id=order_id, workflow_id=str(workflow.id), workflow_name=workflow.name,
            placed_at=placed_at, order_code=workflow.cfd, order_price=intent.price,
            order_quantity=intent.quantity, order_direction="SELL", order_type="OPEN_STOP",
            asset_type="CfdOnIndex", trigger_close=intent.close_price,
            trigger_candle_time=intent.trigger_candle_time, broker="saxo",
            broker_order_id=broker_id, status="working", status_at=placed_at, **overrides)
        assert order_services.record_order(record=record) == "stored"
        events.record_placement_event(record)
        return record, broker_id

    return place
