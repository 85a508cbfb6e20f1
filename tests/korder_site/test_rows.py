"""korder_site.rows: the hot-path one-row reads give what the ORM gives (run on SQLite by
`make test` and on PostgreSQL by CI), in one query, without compiling an ORM query."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from korder_site.auth import create_api_token, hash_token
from korder_site.models import ApiToken, Scope
from korder_site.rows import RowBy, exists
from tests.api.conftest import definition
from workflows.models import Workflow
from workflows.services import create_workflow
from workflows.validation import WorkflowIn

pytestmark = pytest.mark.django_db


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_token_row_with_its_user_equals_the_orms() -> None:
    user = User.objects.create_user("trader", is_staff=True)
    row, token = create_api_token(user=user, name="desk", scope=Scope.TRADE,
                                  expires_at=timezone.now() + timedelta(days=3))
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    expected = ApiToken.objects.select_related("user").get(pk=row.pk)

    with CaptureQueriesContext(connection) as queries:
        got = RowBy(ApiToken, "key_hash", join="user").get(hash_token(token))
        got_user = got.user  # attached: no second query

    assert len(queries) == 1
    assert _fields(got) == _fields(expected)
    assert _fields(got_user) == _fields(expected.user)
    assert got.expires_at.tzinfo is not None and got.last_used_at.tzinfo is not None
    assert got_user.is_active is True and got_user.is_staff is True
    assert got._state.db == "default" and not got._state.adding
    got.name = "renamed"
    got.save(update_fields=["name"])  # a normal, saveable instance
    assert ApiToken.objects.get(pk=row.pk).name == "renamed"


def test_an_unknown_value_is_none() -> None:
    assert RowBy(ApiToken, "key_hash", join="user").get(hash_token("no such token")) is None


def test_a_hostile_value_is_only_a_parameter() -> None:
    user = User.objects.create_user("trader")
    create_api_token(user=user)

    assert RowBy(ApiToken, "key_hash").get("' OR '1'='1") is None
    assert ApiToken.objects.count() == 1


def test_exists_by_primary_key() -> None:
    workflow = create_workflow(definition=WorkflowIn.model_validate(definition()))

    assert exists(Workflow, workflow.id) is True
    assert exists(Workflow, str(workflow.id)) is True
    assert exists(Workflow, uuid.uuid4()) is False
