"""SPEC §13 on the pages: a plain logged-in user sees every page without the action buttons,
and every action answers 403 with a clear message, changing nothing."""

from __future__ import annotations

import pytest

from workflows.models import Workflow

pytestmark = pytest.mark.django_db

FORBIDDEN_TEXT = "need the Trader role"


def actions(wf: Workflow) -> list[tuple[str, str, dict]]:
    form = {"name": "hijacked", "index": "DAX.I", "cfd": "GER40.I"}
    return [
        ("get", "/workflows/new/", {}),
        ("post", "/workflows/new/", form),
        ("get", f"/workflows/{wf.id}/edit/", {}),
        ("post", f"/workflows/{wf.id}/edit/", form),
        ("post", f"/workflows/{wf.id}/enabled/", {"enabled": "0"}),
        ("get", f"/workflows/{wf.id}/archive/", {}),
        ("post", f"/workflows/{wf.id}/archive/", {}),
        ("post", f"/workflows/{wf.id}/run/", {}),
    ]


def test_a_viewer_sees_every_page_without_action_buttons(viewer_client, make_workflow, order_store):
    wf = make_workflow("dax")
    for url in ["/workflows/", f"/workflows/{wf.id}/", f"/workflows/{wf.id}/orders/",
                "/workflow-orders/"]:
        response = viewer_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for action in ("/workflows/new/", "/edit/", "/enabled/", "/archive/", "/run/",
                       'href="/admin/"'):
            assert action not in page, (url, action)


def test_a_trader_sees_the_buttons(trader_client, make_workflow, order_store):
    wf = make_workflow("dax")
    page = trader_client.get(f"/workflows/{wf.id}/").content.decode()
    assert all(a in page for a in ("/edit/", "/enabled/", "/archive/", "/run/"))
    assert "/workflows/new/" in trader_client.get("/workflows/").content.decode()


def test_every_action_is_403_for_a_viewer_and_changes_nothing(viewer_client, make_workflow):
    wf = make_workflow("dax")
    for method, url, data in actions(wf):
        response = getattr(viewer_client, method)(url, data)
        assert response.status_code == 403, (method, url)
        assert FORBIDDEN_TEXT in response.content.decode()
    wf.refresh_from_db()
    assert wf.name == "dax" and wf.enabled and not wf.is_archived
    assert Workflow.objects.count() == 1


def test_actions_still_send_anonymous_users_to_the_login(client, make_workflow):
    wf = make_workflow("dax")
    for method, url, data in actions(wf):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/login/")
