"""/api/docs in a real browser under the site's Content-Security-Policy: Swagger UI loads from
the app's own static files (no CDN), renders the operations, and the console stays clean (a
CSP violation or a blocked script would show there)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def test_api_docs_render_offline_under_the_csp(page, live_server, trader):
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(live_server.url)
            else outside.append(request.url))
    page.goto(f"{live_server.url}/login/?next=/api/docs")
    page.fill("#id_username", "trader")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/api/docs*")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "k-order API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock").count() > 5
    assert outside == [] and page.watch.errors == []
