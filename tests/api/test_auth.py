"""Every API endpoint needs a session or a Bearer token; sessions are CSRF-checked on writes,
tokens are not; tokens are stored hashed and can be revoked."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from korder_site.models import ApiToken
from tests.api.conftest import definition

pytestmark = pytest.mark.django_db

PROTECTED = [
    ("get", "/api/workflow/workflows"),
    ("post", "/api/workflow/workflows"),
    ("get", "/api/workflow/workflows/0ff85e08-6908-4ddc-b53d-7be6bcb2eac9"),
    ("put", "/api/workflow/workflows/0ff85e08-6908-4ddc-b53d-7be6bcb2eac9"),
    ("delete", "/api/workflow/workflows/0ff85e08-6908-4ddc-b53d-7be6bcb2eac9"),
    ("get", "/api/workflow/workflows/0ff85e08-6908-4ddc-b53d-7be6bcb2eac9/orders"),
    ("get", "/api/workflow/orders"),
    ("get", "/api/workflow/orders/export.csv"),
    ("get", "/api/workflow/orders/0ff85e08-6908-4ddc-b53d-7be6bcb2eac9"),
    ("get", "/api/workflow/asset?code=DAX.I"),
    ("get", "/api/workflow/indicator-types"),
    ("get", "/api/openapi.json"),
    ("get", "/api/docs"),
]


@pytest.mark.parametrize("method,url", PROTECTED)
def test_unauthenticated_calls_get_401_json_detail(method: str, url: str) -> None:
    response = getattr(Client(), method)(url)
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]


@pytest.mark.parametrize(
    "header", ["Bearer wrong-token", "Token abc", "Bearer ", "Basic dXNlcjpwYXNz"]
)
def test_a_wrong_or_malformed_authorization_header_gets_401(header: str) -> None:
    response = Client(headers={"Authorization": header}).get("/api/workflow/indicator-types")
    assert response.status_code == 401


def test_a_bearer_token_authenticates_and_records_its_last_use(api: Client, token: str) -> None:
    assert api.get("/api/workflow/indicator-types").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_is_refused(api: Client) -> None:
    ApiToken.objects.update(revoked_at=timezone.now())
    assert api.get("/api/workflow/indicator-types").status_code == 401


def test_a_token_of_an_inactive_user_is_refused(api: Client, user: User) -> None:
    user.is_active = False
    user.save()
    assert api.get("/api/workflow/indicator-types").status_code == 401


def test_bearer_writes_are_not_subject_to_csrf(api: Client) -> None:
    response = api.post("/api/workflow/workflows", definition(), content_type="application/json")
    assert response.status_code == 201


def test_session_reads_work(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/workflow/indicator-types").status_code == 200
    assert client.get("/api/openapi.json").status_code == 200


def test_docs_and_schema_are_served_to_authenticated_callers(user: User, api: Client) -> None:
    client = Client()
    client.force_login(user)
    assert client.get("/api/docs").status_code == 200
    schema = api.get("/api/openapi.json").json()
    assert set(schema["components"]["securitySchemes"]) == {
        "BearerTokenAuth", "SessionCsrfAuth", "TradeBearerAuth", "TradeSessionAuth"
    }
    assert "/api/workflow/workflows/{workflow_id}/orders" in schema["paths"]


def test_session_writes_without_a_csrf_token_are_refused(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/workflow/workflows", definition(), content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_session_writes_with_the_csrf_token_succeed(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/login/")  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/workflow/workflows", json.dumps(definition()), content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert response.status_code == 201


def test_create_api_token_prints_a_token_once_and_stores_only_its_hash(user: User) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "trader", "--name", "ci", stdout=out, stderr=err)
    token = out.getvalue().strip()
    row = ApiToken.objects.get()
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.key_hash, row.prefix, row.name)
    assert "not shown again" in err.getvalue()
    bearer = Client(headers={"Authorization": f"Bearer {token}"})
    response = bearer.get("/api/workflow/indicator-types")
    assert response.status_code == 200


def test_create_api_token_for_an_unknown_user_fails_clearly() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no user named 'ghost'"):
        call_command("create_api_token", "ghost")


def test_tokens_can_be_revoked_in_the_admin(user: User, token: str) -> None:
    admin = User.objects.create_superuser("admin", password=None)
    client = Client()
    client.force_login(admin)
    row = ApiToken.objects.get()
    response = client.post(
        "/admin/korder_site/apitoken/", {"action": "revoke", "_selected_action": [row.pk]}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    bearer = Client(headers={"Authorization": f"Bearer {token}"})
    assert bearer.get("/api/workflow/indicator-types").status_code == 401


def test_healthz_needs_no_auth(order_store: object) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "order_store": "ok"}
