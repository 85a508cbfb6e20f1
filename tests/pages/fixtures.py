"""Page fixtures (shared by tests/pages and tests/browser): workflows made through the real
service, orders recorded in the real local order store, a logged-in trader."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from korder_site.permissions import TRADER_GROUP, grant_role
from orders import services as order_services
from orders.records import OrderRecord
from workflows.models import Workflow
from workflows.services import create_workflow
from workflows.validation import WorkflowIn


def workflow_definition(name: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name, "index": "DAX.I", "cfd": "GER40.I", "enabled": True, "dry_run": False,
        "conditions": [{
            "indicator": {"name": "ma50", "ut": "h4"},
            "close": {"direction": "below", "ut": "h1"},
        }],
        "trigger": {"ut": "h1", "location": "lower", "order_direction": "sell", "quantity": "0.1"},
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_workflow(db) -> Callable[..., Workflow]:
    def make(name: str = "dax ma50 h4 below", **overrides: Any) -> Workflow:
        definition = WorkflowIn.model_validate(workflow_definition(name, **overrides))
        return create_workflow(definition=definition)

    return make


@pytest.fixture
def place_order() -> Callable[..., OrderRecord]:
    """Record an order for a workflow in the (real, local) order store."""

    def place(workflow: Workflow, placed_at: datetime, **overrides: Any) -> OrderRecord:
        values: dict[str, Any] = {
            "id": str(uuid.uuid4()), "workflow_id": str(workflow.id),
            "workflow_name": workflow.name, "placed_at": placed_at,
            "order_code": workflow.cfd, "order_price": Decimal("22150.5"),
            "order_quantity": Decimal("0.1"), "order_direction": "SELL",
            "order_type": "OPEN_STOP", "asset_type": "CfdOnIndex",
            "trigger_close": Decimal("22160.25"),
            "trigger_candle_time": placed_at - timedelta(hours=1),
            "execution_context": "run_workflows@test",
        }
        values.update(overrides)
        record = OrderRecord(**values)
        assert order_services.record_order(record=record) == "stored"
        return record

    return place


@pytest.fixture
def sample_data(tmp_path, settings):
    """CSV market data (KORDER_MARKET_DATA=csv) in a temporary directory, notify-only broker,
    log notifications. Fill it with `manage.py make_sample_data --out <dir>`."""
    settings.KORDER_CSV_DIR = tmp_path
    settings.KORDER_MARKET_DATA = "csv"
    settings.KORDER_BROKER = "notify"
    settings.SLACK_BOT_TOKEN = ""
    return tmp_path


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def trader(django_user_model):
    """A member of the Trader group (may create, edit, run workflows)."""
    user = django_user_model.objects.create_user("trader", password="a-long-test-password")
    grant_role(user, TRADER_GROUP)
    return user


@pytest.fixture
def viewer(django_user_model):
    """A plain logged-in user in no group: may view, never trade (SPEC §13)."""
    return django_user_model.objects.create_user("viewer", password="a-long-test-password")


@pytest.fixture
def viewer_client(viewer) -> Client:
    client = Client()
    client.force_login(viewer)
    return client


@pytest.fixture
def trader_client(trader) -> Client:
    client = Client()
    client.force_login(trader)
    return client


def make_order(trigger_candle_time: datetime, direction: str, **overrides: Any) -> OrderRecord:
    """A plain OrderRecord (not stored) for pure tests."""
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()), "workflow_id": str(uuid.uuid4()), "workflow_name": "wf",
        "placed_at": trigger_candle_time + timedelta(hours=1), "order_code": "GER40.I",
        "order_price": Decimal("22150.5"), "order_quantity": Decimal("0.1"),
        "order_direction": direction, "order_type": "OPEN_STOP",
        "trigger_candle_time": trigger_candle_time,
    }
    values.update(overrides)
    return OrderRecord(**values)
