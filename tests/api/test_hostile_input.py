"""Hostile input through the interfaces (SPEC §13): each is refused cleanly with a 4xx and a
clear JSON detail, nothing is written, and no request answers 5xx — on SQLite and, in CI's
second pass, on PostgreSQL (where NUL and over-long strings used to be 500s)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.api.conftest import definition
from workflows.models import Condition, Workflow

pytestmark = pytest.mark.django_db

TRAVERSAL = ["../../x", "/etc/passwd", "..", "a/b", "x\x00y", "DAX I", "C:\\x", "x" * 65]
CONDITION = definition()["conditions"][0]


def post(client: Client, body: object, url: str = "/api/workflow/workflows", method="post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("symbol", TRAVERSAL)
@pytest.mark.parametrize("field", ["index", "cfd"])
def test_traversal_and_odd_symbols_are_422_and_nothing_is_written(api, field, symbol):
    response = post(api, definition(**{field: symbol}))
    assert response.status_code == 422, response.content
    [error] = response.json()["detail"]
    assert error["field"] == field
    assert "letters, digits" in error["message"] or "control character" in error["message"]
    assert not Workflow.objects.exists()


def test_a_replace_with_a_traversal_symbol_changes_nothing(api, make_workflow):
    wf = make_workflow()
    response = post(api, definition(index="../../x"), f"/api/workflow/workflows/{wf.id}", "put")
    assert response.status_code == 422
    wf.refresh_from_db()
    assert wf.index == "DAX.I"


@pytest.mark.parametrize("name", ["a\x00b", "x" * 201, "\x1b[31mred"])
def test_names_with_nul_control_characters_or_over_the_column_are_422(api, name):
    response = post(api, definition(name=name))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "name"
    assert not Workflow.objects.exists()


@pytest.mark.parametrize("url", [
    "/api/workflow/workflows?index=%00",
    "/api/workflow/workflows?index=a%00b&sort=name",
    "/api/workflow/orders?asset=%00",
    "/api/workflow/orders/export.csv?asset=x%00",
    "/api/workflow/asset?code=%00",
    "/api/workflow/asset?code=DAX&country_code=%01",
    "/api/workflow/workflows?%00=1",
])
def test_nul_and_control_characters_in_query_parameters_are_422(api, url):
    response = api.get(url)
    assert response.status_code == 422, (url, response.content)
    assert "control characters" in response.json()["detail"][0]["message"]


@pytest.mark.parametrize("url", ["/workflows/?index=%00", "/workflow-orders/?asset=%00"])
def test_nul_in_page_query_parameters_is_a_400_page(trader_client_api, url):
    response = trader_client_api.get(url)
    assert response.status_code == 400
    assert b"control characters" in response.content


def test_a_3_mb_body_is_413_json_and_nothing_is_written(api):
    body = definition(name="big", padding="x" * (3 * 1024 * 1024))
    response = post(api, body)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert not Workflow.objects.exists()


def test_a_3_mb_page_form_is_413(trader_client_api):
    response = trader_client_api.post("/workflows/new/", {"name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert not Workflow.objects.exists()


def test_10000_conditions_are_refused_and_nothing_is_written(api):
    small = {"indicator": {"name": "ma50", "ut": "h4"}, "close": {"direction": "below",
                                                                    "ut": "h1"}}
    response = post(api, definition(conditions=[small] * 10_000))
    assert response.status_code in (413, 422)
    if response.status_code == 422:
        assert "at most 20" in response.json()["detail"][0]["message"]
    twenty_one = post(api, definition(conditions=[CONDITION] * 21))
    assert twenty_one.status_code == 422
    assert "at most 20" in twenty_one.json()["detail"][0]["message"]
    assert not Workflow.objects.exists() and not Condition.objects.exists()


def test_a_json_body_that_is_not_json_is_4xx(api):
    for raw in (b"\xff\xfe", b"{" * 100_000, b'{"name": "\\u0000"}'):
        response = api.generic("POST", "/api/workflow/workflows", raw,
                               content_type="application/json")
        assert 400 <= response.status_code < 500, (raw[:10], response.status_code)
    assert not Workflow.objects.exists()


@pytest.fixture
def trader_client_api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
