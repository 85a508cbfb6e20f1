"""Drill: Saxo answers 5xx for one instrument's chart series; only its workflows skip.

The fake Saxo serves real chart pages for DAX.I and GER40.I and 503 for ITP:xpar. The
workflows on ITP fail (reported once each to the errors channel); the others place, notify
and record as usual. The failing series is requested once per run (fetch sharing) with the
client's bounded retries.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.fake_saxo import STATIC_TOKEN, Reply, chart_reply, make_samples
from tests.workflows.engine.conftest import zone_workflow
from workflows import engine
from workflows.engine.deps import build_deps
from workflows.models import Decision, Outcome

from .helpers import NOW, records_by_workflow

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

UICS = {"DAX.I": (1373, 22000.0), "GER40.I": (4321, 22010.0), "ITP:xpar": (1936, 150.0)}
BROKEN_UIC = 1936
MAX_CHART_REQUESTS = 4  # one request + the client's 3 GET retries


@pytest.fixture
def saxo_settings(fake_saxo, settings):
    start = (NOW - timedelta(days=6)).replace(hour=0, minute=0)
    bars = int((NOW - start) / timedelta(minutes=30)) + 1
    for uic, price in UICS.values():
        fake_saxo.set_samples(uic, 30, make_samples(start, bars, price=price))

    def chart(request):
        if int(request.query["Uic"]) == BROKEN_UIC:
            return Reply(status=503, json={"ErrorCode": "ServiceUnavailable",
                                           "Message": "Service temporarily unavailable"})
        return chart_reply(fake_saxo, request)

    fake_saxo.route("GET", "chart/v3/charts", chart)
    settings.KORDER_MARKET_DATA = "saxo"
    settings.KORDER_BROKER = "notify"
    settings.KORDER_SAXO_ENVIRONMENT = "sim"
    settings.KORDER_SAXO_ACCESS_TOKEN = STATIC_TOKEN
    settings.KORDER_SAXO_BASE_URL = fake_saxo.base_url
    settings.KORDER_SAXO_AUTH_URL = fake_saxo.auth_url
    return fake_saxo


def test_saxo_5xx_on_one_series_skips_only_its_workflows(
    saxo_settings, order_store, slack_stub
):
    healthy = [zone_workflow(f"dax zone {i}") for i in range(3)]
    broken = [zone_workflow(f"itp zone {i}", index="ITP:xpar", cfd="ITP:xpar", low=100,
                            high=200) for i in range(2)]

    summary = engine.run(NOW, deps=build_deps())

    assert (summary.evaluated, summary.placed, summary.failed) == (5, 3, 2)
    outcomes = dict(Decision.objects.values_list("workflow_name", "outcome"))
    assert {outcomes[w.name] for w in healthy} == {Outcome.ORDERED}
    assert {outcomes[w.name] for w in broken} == {Outcome.FAILED}
    assert all(len(rows) == 1 for rows in records_by_workflow(healthy).values())
    assert all(rows == [] for rows in records_by_workflow(broken).values())
    assert len(slack_stub.posts("#workflows")) == 3
    errors = slack_stub.posts("#errors")
    assert len(errors) == 2 and all("ITP:xpar" in e["text"] for e in errors)
    broken_requests = [r for r in saxo_settings.requests_to("chart/v3/charts")
                       if int(r.query["Uic"]) == BROKEN_UIC]
    assert 1 <= len(broken_requests) <= MAX_CHART_REQUESTS
