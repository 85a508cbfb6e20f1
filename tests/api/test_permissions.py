"""SPEC §13: viewing is not trading. A plain user (or a `read` token) reads everything and gets
403 with a clear message on every write; a Trader with a `trade` token writes."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from korder_site.auth import create_api_token
from korder_site.models import ApiToken
from korder_site.permissions import TRADER_GROUP, can_trade
from tests.api.conftest import definition
from workflows.models import Workflow

pytestmark = pytest.mark.django_db

READS = [
    "/api/workflow/workflows", "/api/workflow/orders", "/api/workflow/indicator-types",
    "/api/workflow/asset?code=DAX.I", "/api/openapi.json",
]


def writes(workflow_id: str) -> list[tuple[str, str, dict | None]]:
    body = definition(name="renamed", dry_run=False)
    return [
        ("post", "/api/workflow/workflows", definition(name="new one")),
        ("put", f"/api/workflow/workflows/{workflow_id}", body),
        ("delete", f"/api/workflow/workflows/{workflow_id}", None),
    ]


def call(client: Client, method: str, url: str, body: dict | None):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_the_migration_made_the_groups_and_the_trade_permission() -> None:
    trader = Group.objects.get(name=TRADER_GROUP)
    assert {p.codename for p in trader.permissions.all()} == {"trade", "view_workflow"}
    assert {p.codename for p in Group.objects.get(name="Viewer").permissions.all()} == {
        "view_workflow"
    }
    member = User.objects.create_user("member")
    member.groups.add(trader)
    assert member.has_perm("workflows.trade") and can_trade(member)
    assert not can_trade(User.objects.create_user("plain"))
    assert can_trade(User.objects.create_superuser("root", password=None))


def test_a_viewer_token_reads_everything(viewer_api: Client, make_workflow, order_store) -> None:
    wf = make_workflow()
    for url in [*READS, f"/api/workflow/workflows/{wf.id}"]:
        assert viewer_api.get(url).status_code == 200, url


def test_a_viewer_gets_403_on_every_write_and_nothing_changes(
    viewer_api: Client, make_workflow
) -> None:
    wf = make_workflow(dry_run=True)
    for method, url, body in writes(str(wf.id)):
        response = call(viewer_api, method, url, body)
        assert response.status_code == 403, (method, url, response.content)
        assert "Trader role" in response.json()["detail"]
    wf.refresh_from_db()
    assert Workflow.objects.count() == 1 and wf.name == "dax ma50 h4 below"
    assert wf.dry_run and not wf.is_archived


def test_403_comes_before_body_validation(viewer_api: Client) -> None:
    response = call(viewer_api, "post", "/api/workflow/workflows", {"name": ""})
    assert response.status_code == 403


def test_a_viewer_session_gets_403_too(viewer: User, make_workflow) -> None:
    client = Client()
    client.force_login(viewer)
    wf = make_workflow()
    for method, url, body in writes(str(wf.id)):
        assert call(client, method, url, body).status_code == 403


def test_a_read_token_of_a_trader_cannot_write(user: User, make_workflow, order_store) -> None:
    token = create_api_token(user=user, name="read")[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    wf = make_workflow()
    assert client.get("/api/workflow/workflows").status_code == 200
    for method, url, body in writes(str(wf.id)):
        response = call(client, method, url, body)
        assert response.status_code == 403
        assert "read-only" in response.json()["detail"]


def test_a_trader_with_a_trade_token_writes(api: Client, make_workflow) -> None:
    wf = make_workflow()
    for method, url, body in writes(str(wf.id)):
        assert call(api, method, url, body).status_code in (200, 201, 204)


def test_a_trade_token_stops_writing_when_the_user_leaves_the_trader_group(
    api: Client, user: User
) -> None:
    user.groups.clear()
    response = call(api, "post", "/api/workflow/workflows", definition())
    assert response.status_code == 403


def test_an_expired_token_gets_the_same_401_as_an_unknown_one(api: Client) -> None:
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api.get("/api/workflow/indicator-types")
    unknown = Client(headers={"Authorization": "Bearer nope"}).get("/api/workflow/indicator-types")
    assert expired.status_code == unknown.status_code == 401
    assert expired.json() == unknown.json() == {"detail": "Invalid or expired token"}


def test_a_token_not_yet_expired_works(api: Client) -> None:
    ApiToken.objects.update(expires_at=timezone.now() + timedelta(hours=1))
    assert api.get("/api/workflow/indicator-types").status_code == 200
