"""Errors of the order history. Interfaces map them once: OrderNotFound -> 404,
OrderStoreUnavailable -> 503."""


class OrderStoreUnavailable(Exception):
    """The order store could not be reached or failed; the message says what and where."""


class OrderNotFound(Exception):
    """No order with that id in the retention window (unknown or expired)."""


class OrderCollision(Exception):
    """A different record already holds this (workflow_id, placed_at) key; nothing was written."""
