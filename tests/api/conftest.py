"""API test fixtures: a user, a Bearer token for them, clients, and workflow definitions."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from korder_site.auth import create_api_token
from korder_site.permissions import TRADER_GROUP, grant_role
from workflows.models import Workflow
from workflows.services import create_workflow
from workflows.validation import WorkflowIn

BASE_DEFINITION: dict[str, Any] = {
    "name": "dax ma50 h4 below",
    "index": "DAX.I",
    "cfd": "GER40.I",
    "enabled": True,
    "dry_run": False,
    "conditions": [
        {
            "indicator": {"name": "ma50", "ut": "h4"},
            "close": {"direction": "below", "ut": "h1", "spread": 20},
        }
    ],
    "trigger": {"ut": "h1", "location": "lower", "order_direction": "sell", "quantity": 0.1},
}


def definition(**overrides: Any) -> dict[str, Any]:
    """A valid workflow body (JSON-shaped), with top-level overrides."""
    body = copy.deepcopy(BASE_DEFINITION)
    body.update(overrides)
    return body


@pytest.fixture
def user(db: None) -> User:
    """A Trader (no password: hashing one costs ~0.3 s)."""
    user = User.objects.create_user("trader")
    grant_role(user, TRADER_GROUP)
    return user


@pytest.fixture
def token(user: User) -> str:
    """A trade-scoped token of the trader."""
    return create_api_token(user=user, name="tests", scope="trade")[1]


@pytest.fixture
def viewer(db: None) -> User:
    """A plain logged-in user in no group: may read, never write."""
    return User.objects.create_user("viewer")


@pytest.fixture
def viewer_api(viewer: User) -> Client:
    token = create_api_token(user=viewer, name="viewer")[1]
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def api(token: str) -> Client:
    """A client sending `Authorization: Bearer <token>`, with CSRF checks enforced."""
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def make_workflow(db: None):
    def make(**overrides: Any) -> Workflow:
        return create_workflow(definition=WorkflowIn.model_validate(definition(**overrides)))

    return make
