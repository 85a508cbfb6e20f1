"""The order lifecycle (SPEC §12): statuses, the rule that a status never moves backwards, and
the translation of broker order-log entries into status changes.

Pure Python (no Django, no PynamoDB): the store turns a `StatusChange` into one conditional
UpdateItem whose condition is `status_seq < change.seq`; `sequence` encodes the rule (no
terminal status ever changes, no stage is ever undone, within a stage the later change wins),
`allowed_from` states it in words for the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Status(StrEnum):
    NOTIFIED = "notified"  # broker `notify`: told on Slack, no broker order
    DRY_RUN = "dry_run"
    WORKING = "working"  # at the broker, not (fully) filled
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REJECTED = "rejected"
    REPLACED = "replaced"  # a later order of the workflow modified it (SPEC §12)


OPEN = frozenset({Status.NOTIFIED, Status.DRY_RUN, Status.WORKING})
TERMINAL = frozenset({Status.FILLED, Status.CANCELLED, Status.EXPIRED, Status.REJECTED,
                      Status.REPLACED})
_RANK = {**{s: 1 for s in OPEN}, Status.PARTIALLY_FILLED: 2, **{s: 3 for s in TERMINAL}}
LABELS = {
    Status.NOTIFIED: "Notified", Status.DRY_RUN: "Dry run", Status.WORKING: "Working",
    Status.PARTIALLY_FILLED: "Partially filled", Status.FILLED: "Filled",
    Status.CANCELLED: "Cancelled", Status.EXPIRED: "Expired", Status.REJECTED: "Rejected",
    Status.REPLACED: "Replaced",
}
# Saxo's OrderLogStatus -> ours (reference/saxo-openapi.md §8a). A working order with a fill
# is partially filled whatever the entry says.
SAXO_STATUSES = {
    "Placed": Status.WORKING, "Working": Status.WORKING, "Changed": Status.WORKING,
    "Fill": Status.PARTIALLY_FILLED, "FinalFill": Status.FILLED,
    "Cancelled": Status.CANCELLED, "Expired": Status.EXPIRED, "DoneForDay": Status.EXPIRED,
}


def rank(status: Status) -> int:
    return _RANK[status]


def allowed_from(status: Status) -> frozenset[Status]:  # what `sequence` encodes
    """The statuses a row may hold for `status` to replace it: never a terminal one, never a
    later stage (a partial fill is never undone by a late "Working" entry)."""
    return frozenset(s for s in Status if s not in TERMINAL and rank(s) <= rank(status))


def initial_status(*, dry_run: bool, broker: str) -> Status:
    """The status of a new record: `dry_run`, `notified` (no broker order) or `working`."""
    if dry_run:
        return Status.DRY_RUN
    return Status.NOTIFIED if broker == "notify" else Status.WORKING


def status_of(status: str | None, *, dry_run: bool, broker: str) -> Status:
    """A row's status; rows written before the lifecycle existed (no `status`) read as what
    they were when placed."""
    if status:
        try:
            return Status(status)
        except ValueError:
            pass
    return initial_status(dry_run=dry_run, broker=broker)


_STAGE = 1 << 52  # above any microsecond count until the year 2112
TERMINAL_SEQ = 4 * _STAGE - 1


def sequence(at: datetime, status: Status) -> int:
    """The `status_seq` of a change at `at`. The stage (rank) weighs more than the time, so a
    later stage always wins and an earlier one never does (whatever the clocks say); within a
    stage the later change wins; every terminal status has the highest value, so whichever
    terminal status comes first is final. One comparison (`status_seq < seq`) says it all."""
    if status in TERMINAL:
        return TERMINAL_SEQ
    micros = (at.astimezone(UTC) - EPOCH) // _MICROSECOND
    return rank(status) * _STAGE + micros


_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - EPOCH


@dataclass(frozen=True)
class StatusChange:
    """One transition of one order: applied only if it moves the row forward."""

    order_id: str
    status: Status
    at: datetime
    source: str  # "sync" (the broker's order log), "engine" (replaced), "trader" (cancel)
    detail: str = ""
    filled_price: Decimal | None = None
    filled_quantity: Decimal | None = None
    broker_error: str | None = None

    @property
    def seq(self) -> int:
        return sequence(self.at, self.status)

    @property
    def filled_at(self) -> datetime | None:
        return self.at if self.status == Status.FILLED else None


class BrokerEntry(Protocol):
    """The latest order-log entry of one broker order (workflows.core.book.OrderLogEntry)."""

    status: str  # the broker's own word, e.g. "FinalFill"
    at: datetime
    filled_amount: Decimal | None
    price: Decimal | None  # AveragePrice, else ExecutionPrice
    position_id: str | None


def change_from_entry(entry: BrokerEntry, *, order_id: str) -> StatusChange | None:
    """Our change for a broker entry; None for an entry we do not understand."""
    status = SAXO_STATUSES.get(entry.status)
    if status is None:
        return None
    filled = entry.filled_amount if entry.filled_amount else None
    if status == Status.WORKING and filled:
        status = Status.PARTIALLY_FILLED
    detail = f"Saxo: {entry.status}"
    if filled:
        detail += f", filled {filled}" + (f" at {entry.price}" if entry.price else "")
    if entry.position_id:
        detail += f", position {entry.position_id}"
    return StatusChange(order_id=order_id, status=status, at=entry.at, source="sync",
                        detail=detail, filled_price=entry.price if filled else None,
                        filled_quantity=filled)
