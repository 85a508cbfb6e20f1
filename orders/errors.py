"""Errors of the order history. Interfaces map them once: OrderNotFound -> 404,
OrderStoreUnavailable -> 503."""


class OrderStoreUnavailable(Exception):
    """The order store could not be reached or failed.

    `str(exc)` says what and where (table, endpoint) for logs and commands; `public` says what
    without naming internals, for pages, API answers and the unauthenticated /healthz."""

    def __init__(self, message: str, *, public: str = "the order store did not answer") -> None:
        super().__init__(message)
        self.public = public


class DayIndexMissing(OrderStoreUnavailable):
    """The table has no readable `day-index` yet (an older table; AWS still building it)."""


class OrderNotFound(Exception):
    """No order with that id in the retention window (unknown or expired)."""


class OrderCollision(Exception):
    """A different record already holds this (workflow_id, placed_at) key; nothing was written."""
