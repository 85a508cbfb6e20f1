"""create_api_token --scope/--expires-in, list_api_tokens, revoke_api_token."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from korder_site.models import ApiToken

pytestmark = pytest.mark.django_db


def make_token(*args: str) -> str:
    out = io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def test_default_scope_is_read_and_never_expires(user: User) -> None:
    make_token("trader")
    row = ApiToken.objects.get()
    assert row.scope == "read" and row.expires_at is None


def test_scope_trade_with_an_expiry(user: User, order_store) -> None:
    token = make_token("trader", "--scope", "trade", "--expires-in", "90d")
    row = ApiToken.objects.get()
    assert row.scope == "trade"
    assert abs(row.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/workflow/workflows").status_code == 200


@pytest.mark.parametrize("value", ["90", "0d", "-5d", "3y", "1e9d"])
def test_a_bad_expiry_is_a_clear_error(user: User, value: str) -> None:
    with pytest.raises(CommandError, match="--expires-in"):
        make_token("trader", "--expires-in", value)
    assert not ApiToken.objects.exists()


def test_a_trade_token_for_a_user_who_may_not_trade_is_refused(viewer: User) -> None:
    with pytest.raises(CommandError, match="may not trade"):
        make_token("viewer", "--scope", "trade")
    assert not ApiToken.objects.exists()


def test_list_shows_prefix_scope_and_state_but_never_the_token(user: User) -> None:
    token = make_token("trader", "--scope", "trade", "--name", "ci")
    make_token("trader", "--expires-in", "1h")
    out = io.StringIO()
    call_command("list_api_tokens", stdout=out)
    text = out.getvalue()
    assert token not in text and token[:8] in text
    assert "trade" in text and "active until" in text and "ci" in text


def test_revoke_by_prefix(user: User) -> None:
    token = make_token("trader")
    out = io.StringIO()
    call_command("revoke_api_token", token[:8], stdout=out)
    assert "revoked" in out.getvalue()
    client = Client(headers={"Authorization": f"Bearer {token}"})
    response = client.get("/api/workflow/workflows")
    assert response.status_code == 401 and response.json()["detail"] == "Invalid or expired token"
    with pytest.raises(CommandError, match="no active token"):
        call_command("revoke_api_token", token[:8])
