from tests.pages.fixtures import (  # noqa: F401
    make_workflow,
    now,
    place_order,
    sample_data,
    trader,
    trader_client,
    viewer,
    viewer_client,
)
from tests.pages.saxo_fixtures import dealer, saxo_live, saxo_order  # noqa: F401
