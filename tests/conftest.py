"""Shared fixtures. Fixture modules live in tests/fixtures/ and are registered here."""

pytest_plugins: list[str] = [
    "tests.fixtures.order_store",
    "tests.fixtures.slack_server",
    "tests.fixtures.fake_saxo",
]
