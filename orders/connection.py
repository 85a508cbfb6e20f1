"""The order store's connection: which table on which endpoint (`bind`, `configure`), with
what call limits, one shared botocore client per endpoint, and `guard`, which turns every
failure of the client library into one `OrderStoreUnavailable` naming the operation, endpoint
and table (store.py makes every call inside it)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    ReadTimeoutError,
)
from django.conf import settings
from pynamodb.connection.base import Connection
from pynamodb.exceptions import PynamoDBException, TableError

from orders.errors import OrderCollision, OrderStoreUnavailable
from orders.models import (
    CONNECT_TIMEOUT_SECONDS,
    MAX_RETRY_ATTEMPTS,
    READ_TIMEOUT_SECONDS,
    WorkflowOrder,
)

log = logging.getLogger(__name__)

HUNG_BACKOFF_SECONDS = 30.0
_HUNG_AT: dict[Binding, float] = {}  # binding -> monotonic time its last hung call failed

_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
_DUMMY_CREDENTIAL = "korder-local"  # local servers only check that requests are signed
_CONNECTIONS: dict[tuple[str | None, str, Limits], Connection] = {}


@dataclass(frozen=True)
class Binding:
    table_name: str
    endpoint: str | None
    region: str


@dataclass(frozen=True)
class Limits:
    """How long one call may take: per-attempt timeouts and retries after the first attempt."""

    connect_timeout: float = CONNECT_TIMEOUT_SECONDS
    read_timeout: float = READ_TIMEOUT_SECONDS
    max_retries: int = MAX_RETRY_ATTEMPTS


def is_local_endpoint(endpoint: str | None) -> bool:
    return bool(endpoint) and urlparse(endpoint).hostname in _LOCAL_HOSTS


def bind(*, table_name: str, endpoint: str | None, region: str,
         limits: Limits | None = None) -> None:
    """Point the model at a table/endpoint with these call limits; drops the cached
    connection."""
    limits = limits or Limits()
    meta: Any = WorkflowOrder.Meta
    meta.table_name = table_name
    meta.host = endpoint or None
    meta.region = region
    meta.connect_timeout_seconds = limits.connect_timeout
    meta.read_timeout_seconds = limits.read_timeout
    meta.max_retry_attempts = limits.max_retries
    local = is_local_endpoint(endpoint)
    meta.aws_access_key_id = _DUMMY_CREDENTIAL if local else None
    meta.aws_secret_access_key = _DUMMY_CREDENTIAL if local else None
    WorkflowOrder._connection = None
    _share_client(endpoint=endpoint, region=region, limits=limits)


def _share_client(*, endpoint: str | None, region: str, limits: Limits) -> None:
    """Reuse one botocore client per endpoint across table names.

    Building a client costs ~100 ms, and PynamoDB builds one per table name; tests (a table per
    test) and outage switches rebind often.
    """
    table_connection = WorkflowOrder._get_connection()  # lazy: no client built yet
    shared = _CONNECTIONS.setdefault((endpoint, region, limits), table_connection.connection)
    if shared is table_connection.connection:
        return
    try:
        shared.get_meta_table(table_connection.table_name)
    except TableError:
        shared.add_meta_table(table_connection.get_meta_table())
    table_connection.connection = shared


def configure() -> None:
    """Bind the model from KORDER_DYNAMODB_TABLE / _ENDPOINT / _REGION and the call limits."""
    bind(
        table_name=settings.KORDER_DYNAMODB_TABLE,
        endpoint=settings.KORDER_DYNAMODB_ENDPOINT or None,
        region=settings.KORDER_DYNAMODB_REGION,
        limits=Limits(
            connect_timeout=settings.KORDER_DYNAMODB_CONNECT_TIMEOUT_MS / 1000,
            read_timeout=settings.KORDER_DYNAMODB_READ_TIMEOUT_MS / 1000,
            max_retries=settings.KORDER_DYNAMODB_MAX_RETRIES,
        ),
    )


def current_binding() -> Binding:
    meta: Any = WorkflowOrder.Meta
    return Binding(table_name=meta.table_name, endpoint=meta.host, region=meta.region)


@contextmanager
def guard(operation: str) -> Iterator[None]:
    """Map any failure inside to OrderStoreUnavailable; our own errors pass unchanged.

    Deliberately broad: the client library fails in more ways than it declares (PynamoDB
    errors, botocore's ClientError and BotoCoreError, urllib3/socket errors, and
    AttributeError from `cause_response_code` when a timeout has no response). A failure
    caused by a timeout marks the store as hung (see `hung_since`).
    """
    try:
        yield
    except (OrderStoreUnavailable, OrderCollision):
        raise
    except Exception as exc:
        where = current_binding()
        if _timed_out(exc):
            _HUNG_AT[where] = time.monotonic()
        cause = getattr(exc, "cause", None) or exc
        if not isinstance(exc, PynamoDBException | BotoCoreError | ClientError):
            log.warning("order store %s raised %s", operation, type(exc).__name__, exc_info=True)
        raise OrderStoreUnavailable(
            f"order store {operation} failed (table {where.table_name!r} at "
            f"{where.endpoint or 'AWS ' + where.region}): {type(cause).__name__}: {cause}",
            public=f"the order store did not answer ({operation})",
        ) from exc


def _timed_out(exc: BaseException | None) -> bool:
    """Whether a timeout (connect or read) is anywhere in the failure's causes: a store that
    hangs, not one that refuses, resets, throttles or answers 500 (whose retries' back-off
    can take as long, but which answers)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ReadTimeoutError | ConnectTimeoutError | TimeoutError):
            return True
        exc = getattr(exc, "cause", None) or exc.__cause__ or exc.__context__
    return False


def hung_since() -> float | None:
    """Seconds since a call on the current binding last hung (timed out: a frozen store, not
    a refusal), when that is less than HUNG_BACKOFF_SECONDS ago.
    The engine then skips the store for a while (records go to the outbox) instead of waiting
    out the timeout again for every triggered workflow; pages always try."""
    hung_at = _HUNG_AT.get(current_binding())
    if hung_at is None:
        return None
    ago = time.monotonic() - hung_at
    return ago if ago < HUNG_BACKOFF_SECONDS else None


def error_code(exc: PynamoDBException) -> str | None:
    """The DynamoDB error code of a failed call; None when there was no answer (a timeout or
    a reset has `response=None`, which PynamoDB's `cause_response_code` cannot handle)."""
    return error_field(exc, "Code")


def error_message(exc: PynamoDBException) -> str:
    return error_field(exc, "Message") or ""


def error_field(exc: PynamoDBException, field: str) -> str | None:
    response = getattr(exc.cause, "response", None)
    if not isinstance(response, dict):
        return None
    error = response.get("Error")
    return error.get(field) if isinstance(error, dict) else None
