"""Playwright (sync API) on Debian's Chromium against pytest-django's live_server."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pages.fixtures import make_workflow, place_order, sample_data, trader  # noqa: F401
from tests.pages.saxo_fixtures import dealer, saxo_live, saxo_order  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
VENDORED = ROOT / "static" / "vendor" / "lightweight-charts.js"


@pytest.fixture(scope="session", autouse=True)
def vendored_libraries() -> None:
    """The chart library is copied into static/vendor/ by `make install`; a checkout that has
    not run it (e.g. a fresh worktree) gets the same build step here: npm ci on the lock file."""
    if not VENDORED.exists():
        subprocess.run(["bash", str(ROOT / "tools" / "frontend" / "build.sh")], check=True,
                       timeout=300)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM (used by the
    # tests' own setup while live_server serves) would otherwise refuse to run here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleWatch:
    """Console errors, uncaught page errors and dialogs seen by a page."""

    def __init__(self, page: object) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("dialog", self._dialog)

    def _console(self, message: object) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url')})")

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.watch = ConsoleWatch(page)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shoot(page: object, name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return shoot

