"""The run ledger's engine rows (SPEC §12 "Engine status"): each run's start, end, summary and
host (`EngineRun`), and the `--loop` runner's heartbeat (`RunnerHeartbeat`).

Writing these never stops trading: a database error is logged and the run goes on.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connection

from workflows.models import EngineRun, RunnerHeartbeat, RunSource

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 20  # the page calls a runner dead after HEARTBEAT_STALE (status.py)


def host_name() -> str:
    return socket.gethostname()


def start_run(*, now: datetime, source: str, started_at: datetime) -> EngineRun | None:
    """The row of a run that starts (None when the database refused it: logged)."""
    try:
        return EngineRun.objects.create(
            started_at=started_at, evaluated_at=now, source=RunSource(source),
            host=host_name(), pid=os.getpid(),
        )
    except DatabaseError:
        log.exception("run ledger: the start of the run was not written")
        return None


def finish_run(entry: EngineRun | None, *, finished_at: datetime,
               summary: dict[str, Any], error: str = "") -> None:
    """Close the run's row with its summary (or the error that ended it)."""
    if entry is None:
        return
    try:
        EngineRun.objects.filter(pk=entry.pk).update(
            finished_at=finished_at, summary=summary, error=error[:2000])
    except DatabaseError:
        log.exception("run ledger: the end of run %s was not written", entry.pk)


def beat(*, now: datetime, started_at: datetime, stopped: bool = False) -> None:
    """Refresh this process's heartbeat row (and mark it stopped on a clean exit)."""
    try:
        RunnerHeartbeat.objects.update_or_create(
            host=host_name(), pid=os.getpid(),
            defaults={"beat_at": now, "started_at": started_at,
                      "stopped_at": now if stopped else None},
        )
    except DatabaseError:
        log.exception("runner heartbeat not written")


class Heartbeat:
    """A daemon thread that beats every HEARTBEAT_SECONDS until `stop()` (which beats once
    more, marked stopped). Its own database connection is closed when it ends."""

    def __init__(self, clock: Callable[[], datetime],
                 interval: float = HEARTBEAT_SECONDS) -> None:
        self.clock, self.interval = clock, interval
        self.started_at = clock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="runner-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def _loop(self) -> None:
        try:
            while True:
                beat(now=self.clock(), started_at=self.started_at)
                if self._stop.wait(self.interval):
                    break
            beat(now=self.clock(), started_at=self.started_at, stopped=True)
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


RUN_RETENTION = timedelta(days=7)


def purge_runs(*, now: datetime) -> int:
    """Delete run rows started, and heartbeats last seen, more than 7 days before `now`."""
    runs, _ = EngineRun.objects.filter(started_at__lt=now - RUN_RETENTION).delete()
    beats, _ = RunnerHeartbeat.objects.filter(beat_at__lt=now - RUN_RETENTION).delete()
    return runs + beats
