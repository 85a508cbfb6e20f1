"""Shared fixtures. Fixture modules live in tests/fixtures/ and are registered here.

Layout: `tests/` mirrors the code (`workflows/core/`, `workflows/engine/`, `workflows/saxo/`,
`workflows/`, `orders/`); the interface suites stand beside it and test through one interface
each: `api/` (the JSON API), `pages/` (server-rendered pages via the test client), `browser/`
(Playwright on Chromium), `drills/` (fault drills with real processes), `parity/` (the reference
fixtures in ../shared, read at run time).
"""

pytest_plugins: list[str] = [
    "tests.fixtures.order_store",
    "tests.fixtures.slack_server",
    "tests.fixtures.fake_saxo",
    "tests.fixtures.broken_store",
]
