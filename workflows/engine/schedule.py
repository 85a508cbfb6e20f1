"""When the engine runs: `--at` parsing and the `--loop` slots (:01 and :31, weekdays, UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

SLOT_MINUTES = (1, 31)


def parse_at(value: str) -> datetime:
    """An ISO-8601 date-time (`2026-02-20T14:31`, `...Z`, `...+01:00`); naive means UTC.
    Raises ValueError."""
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def next_slot(after: datetime) -> datetime:
    """The first :01 or :31 of a weekday hour strictly after `after` (aware UTC)."""
    moment = after.astimezone(UTC).replace(second=0, microsecond=0)
    while True:
        moment += timedelta(minutes=1)
        if moment.minute in SLOT_MINUTES and moment.weekday() < 5:
            return moment


def session_slots(start: datetime, end: datetime, *, first_hour: int = 7,
                  last_hour: int = 21) -> list[datetime]:
    """Every :01/:31 weekday slot in [start, end] whose UTC hour is within [first, last]
    (07:01-21:31 UTC covers the EU and US sessions); for replays."""
    slots: list[datetime] = []
    moment = next_slot(start - timedelta(minutes=1))
    while moment <= end:
        if first_hour <= moment.hour <= last_hour:
            slots.append(moment)
        moment = next_slot(moment)
    return slots


def previous_slot(at_or_before: datetime) -> datetime:
    """The last :01 or :31 of a weekday hour at or before `at_or_before` (aware UTC)."""
    moment = at_or_before.astimezone(UTC).replace(second=0, microsecond=0)
    while not (moment.minute in SLOT_MINUTES and moment.weekday() < 5):
        moment -= timedelta(minutes=1)
    return moment
