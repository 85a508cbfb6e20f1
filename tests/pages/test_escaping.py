"""User data is always text: a workflow named like a script tag renders escaped everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from workflows.models import Workflow

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_script_tag_name_is_escaped_on_every_page(
    trader_client, make_workflow, place_order, order_store, now
):
    wf = make_workflow(XSS)
    # Symbols like these are refused by validation today; a row stored before still renders safely.
    Workflow.objects.filter(pk=wf.pk).update(index='"><img src=x onerror=alert(2)>',
                                             cfd="<b>CFD</b>")
    place_order(wf, now - timedelta(hours=1), broker_order_id="<i>id</i>")
    for url in ("/workflows/", f"/workflows/{wf.id}/", f"/workflows/{wf.id}/edit/",
                f"/workflows/{wf.id}/orders/", f"/workflows/{wf.id}/archive/",
                "/workflow-orders/"):
        page = trader_client.get(url).content.decode()
        assert XSS not in page and ESCAPED in page, url
        assert "<img src=x" not in page and "<b>CFD</b>" not in page, url
        assert "<i>id</i>" not in page, url
