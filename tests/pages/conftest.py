from tests.pages.fixtures import make_workflow, now, place_order, trader, trader_client  # noqa: F401
