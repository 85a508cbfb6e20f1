"""The order blotter (SPEC §6.3, §8): every order of the window across workflows, newest first.

Read through `day-index`: one Query per UTC day of the window (more only when a day holds more
rows than a page), never a Scan. Filters are applied here, on the server, as rows stream in;
a workflow filter reads that workflow's own partition instead. Pages resume from a signed,
opaque cursor naming the last row shown, so every row is reached exactly once, same-second
rows of different workflows included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice

from django.core import signing

from orders import services, store
from orders.attributes import datetime_to_epoch, epoch_to_datetime
from orders.errors import DayIndexMissing
from orders.lifecycle import Status
from orders.records import OrderRecord, day_of
from orders.store import OrderKey, OrdersPage

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
STATUSES = tuple(status.value for status in Status)
CLOCK_SKEW = timedelta(minutes=5)  # rows stamped by a host whose clock runs a little ahead
FILTERED_BATCH = 250  # rows per Query while filters skip rows
CSV_BATCH = 500
LATEST_READ_ROWS = 500  # the latest-per-workflow read falls back to Limit-1 queries after
_CURSOR_SALT = "korder.blotter.cursor"


class BadCursor(ValueError):
    """A cursor this server did not give out (tampered, truncated, from another site)."""


@dataclass(frozen=True)
class BlotterFilters:
    """What the blotter shows; empty means no filter. `live`: True live only, False dry only."""

    since: datetime | None = None
    until: datetime | None = None
    workflow_id: str = ""
    asset: str = ""
    direction: str = ""
    status: str = ""
    live: bool | None = None

    @property
    def filters_rows(self) -> bool:
        return bool(self.asset or self.direction or self.status or self.live is not None)

    def matches(self, record: OrderRecord) -> bool:
        return (
            (not self.asset or record.order_code.lower() == self.asset.lower())
            and (not self.direction or record.order_direction == self.direction.upper())
            and (self.live is None or record.dry_run != self.live)
            and (not self.status or record.current_status.value == self.status)
        )


@dataclass(frozen=True)
class BlotterPage:
    orders: list[OrderRecord]
    next_cursor: str | None  # None on the last page
    since: datetime
    until: datetime


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """First and last microsecond of a UTC day."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1, microseconds=-1)


def window(filters: BlotterFilters, now: datetime) -> tuple[datetime, datetime]:
    """[since, until] of the read: the filters' bounds clipped to the retention window."""
    oldest = services.window_start(now)
    since = max(filters.since, oldest) if filters.since else oldest
    newest = now + CLOCK_SKEW
    until = min(filters.until, newest) if filters.until else newest
    return since, until


def blotter_page(*, filters: BlotterFilters, now: datetime, cursor: str | None = None,
                 limit: int = DEFAULT_LIMIT) -> BlotterPage:
    """One page, newest first, from `cursor` (the previous page's `next_cursor`).

    Raises BadCursor for a cursor not given out here, OrderStoreUnavailable when the store
    (or its day-index) is not there."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1..{MAX_LIMIT}")
    since, until = window(filters, now)
    after = decode_cursor(cursor) if cursor else None
    batch = max(limit + 1, FILTERED_BATCH) if filters.filters_rows else limit + 1
    rows = list(islice(matching_rows(filters, since, until, after=after, batch=batch),
                       limit + 1))
    shown = rows[:limit]
    more = len(rows) > limit
    next_cursor = encode_cursor(OrderKey(shown[-1].workflow_id, shown[-1].placed_at)) \
        if more else None
    return BlotterPage(shown, next_cursor, since, until)


def blotter_rows(*, filters: BlotterFilters, now: datetime) -> Iterator[OrderRecord]:
    """Every matching row of the window, newest first, read lazily (for the streamed CSV)."""
    since, until = window(filters, now)
    return matching_rows(filters, since, until, batch=CSV_BATCH)


def matching_rows(filters: BlotterFilters, since: datetime, until: datetime, *,
                  after: OrderKey | None = None, batch: int) -> Iterator[OrderRecord]:
    return (r for r in window_rows(filters, since, until, after=after, batch=batch)
            if filters.matches(r))


def window_rows(filters: BlotterFilters, since: datetime, until: datetime, *,
                after: OrderKey | None = None, batch: int) -> Iterator[OrderRecord]:
    """Rows in [since, until] strictly after `after` in newest-first order (unfiltered but
    for the workflow, which picks the partition)."""
    if since > until:  # e.g. `until` older than the window
        return
    if after is not None:
        if after.placed_at < since:
            return
        if after.placed_at > until:
            after = None
    if filters.workflow_id:
        wid = filters.workflow_id
        start = after if after and after.workflow_id == wid else None
        if after and after.workflow_id != wid:  # a cursor from the cross-workflow read
            until = min(until, after.placed_at - timedelta(microseconds=1))
        yield from _partition(lambda key, n: store.query_workflow_page(
            workflow_id=wid, since=since, until=until, limit=n, start=key), start, batch)
        return
    for day in _days(since, after.placed_at if after else until):
        start = after if after and day_of(after.placed_at) == day else None
        yield from _partition(_day_reader(day, since, until), start, batch)


def _day_reader(day: str, since: datetime, until: datetime) -> Callable[..., OrdersPage]:
    def read(key: OrderKey | None, n: int) -> OrdersPage:
        return store.query_day_page(day=day, since=since, until=until, limit=n, start=key)

    return read


def _days(oldest: datetime, newest: datetime) -> list[str]:
    """UTC days from `newest`'s back to `oldest`'s, newest first."""
    first, last = oldest.astimezone(UTC).date(), newest.astimezone(UTC).date()
    return [(last - timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def _partition(read: Callable[[OrderKey | None, int], OrdersPage], start: OrderKey | None,
               batch: int) -> Iterator[OrderRecord]:
    """Every row of one partition after `start`: the first Query asks for `batch` rows, the
    following ones (a filter skipping rows, or the CSV) for more."""
    size = batch
    while True:
        page = read(start, size)
        yield from page.records
        if page.resume is None:
            return
        start, size = page.resume, max(size, FILTERED_BATCH)


# --- cursor -------------------------------------------------------------------------------


def encode_cursor(key: OrderKey) -> str:
    """Opaque and signed: the last row shown (workflow id, exact placed_at)."""
    payload = [key.workflow_id, format(datetime_to_epoch(key.placed_at), "f")]
    return signing.dumps(payload, salt=_CURSOR_SALT, compress=True)


def decode_cursor(cursor: str) -> OrderKey:
    try:
        workflow_id, placed = signing.loads(cursor, salt=_CURSOR_SALT)
        return OrderKey(str(workflow_id), epoch_to_datetime(Decimal(placed)).astimezone(UTC))
    except (signing.BadSignature, ValueError, TypeError, ArithmeticError) as exc:
        raise BadCursor("cursor: not one this server gave out (changed or cut short); "
                        "start again without it") from exc


# --- latest order per workflow ---------------------------------------------------------------


def latest_orders(*, workflow_ids: Iterable[str], now: datetime) -> dict[str, OrderRecord]:
    """workflow_id -> its latest order in the window (absent when none).

    Reads the newest rows of the whole window through `day-index` (one or two Queries: with
    every workflow trading, all of them show up in the newest few hundred rows), then asks
    only the workflows not seen there with one Limit-1 Query each (a quiet workflow, rows
    without `placed_day`). Never a Scan; cost bounded by LATEST_READ_ROWS + workflows.
    """
    ids = list(dict.fromkeys(workflow_ids))
    try:
        found = _latest_from_days(ids, now)
    except DayIndexMissing as exc:  # an older table not upgraded yet: the page still works
        log.warning("latest orders without day-index: %s", exc)
        found = {}
    missing = [wid for wid in ids if wid not in found]
    if missing:
        found.update(services.latest_orders(workflow_ids=missing, now=now))
    return found


def _latest_from_days(ids: list[str], now: datetime) -> dict[str, OrderRecord]:
    wanted: set[str] = set(ids)
    found: dict[str, OrderRecord] = {}
    since, until = window(BlotterFilters(), now)
    batch = min(max(len(ids), 50), FILTERED_BATCH)
    rows = window_rows(BlotterFilters(), since, until, batch=batch) if ids else iter(())
    for record in islice(rows, LATEST_READ_ROWS):
        if record.workflow_id in wanted and record.workflow_id not in found:
            found[record.workflow_id] = record
            if len(found) == len(wanted):
                break
    return found
