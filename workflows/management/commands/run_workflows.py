"""manage.py run_workflows: run the due workflows once (or at :01/:31 with --loop)."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows import engine
from workflows.engine.decisions import RunOptions, WorkflowDecision
from workflows.engine.deps import build_deps
from workflows.engine.runlog import Heartbeat
from workflows.engine.schedule import next_slot, parse_at


def shard(value: str) -> tuple[int, int]:
    k, _, n = value.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise ValueError(value)
    return int(k), int(n)


class Command(BaseCommand):
    help = "Evaluate the due workflows; place, notify and record each triggered order once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workflow", action="append", default=[], metavar="NAME_OR_ID",
                            help="only this workflow (repeatable)")
        parser.add_argument("--dry-run", action="store_true", help="force dry run for all")
        parser.add_argument("--at", type=parse_at, metavar="DATETIME",
                            help="evaluate as of this time (ISO-8601, naive = UTC)")
        parser.add_argument("--loop", action="store_true",
                            help="stay running: run at :01 and :31 of each weekday hour")
        parser.add_argument("--shard", type=shard, metavar="K/N", help="run shard K of N")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["loop"] and opts["at"]:
            raise CommandError("--loop and --at cannot be combined")
        try:
            deps = build_deps()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        stop = threading.Event()
        main = threading.current_thread() is threading.main_thread()  # signals: main only
        previous = {sig: signal.signal(sig, lambda *_: stop.set())
                    for sig in (signal.SIGTERM, signal.SIGINT) if main}
        show = self.stdout.isatty() or opts["verbosity"] > 1
        source = "loop" if opts["loop"] else "replay" if opts["at"] else "once"
        options = RunOptions(names_or_ids=opts["workflow"], dry_run=opts["dry_run"],
                             shard=opts["shard"], stop=stop,
                             progress=self.progress if show else None, source=source)
        heartbeat = Heartbeat(deps.clock).start() if opts["loop"] else None
        try:
            while not stop.is_set():
                if opts["loop"] and stop.wait(self.seconds_to_next_slot()):
                    break
                self.run_once(opts["at"] or datetime.now(UTC), deps, options)
                if not opts["loop"]:
                    break
        finally:
            if heartbeat is not None:
                heartbeat.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def run_once(self, now: datetime, deps: Any, options: RunOptions) -> None:
        try:
            summary = engine.run(now, deps=deps, options=options)
        except engine.UnknownWorkflowError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{now:%Y-%m-%d %H:%M} UTC: {summary.line()}")

    def seconds_to_next_slot(self) -> float:
        now = datetime.now(UTC)
        return (next_slot(now) - now).total_seconds()

    def progress(self, decision: WorkflowDecision) -> None:
        mark = "!" if decision.error else "-"
        self.stdout.write(f"  {mark} {decision.workflow_name}: {decision.outcome.value}"
                          f" ({decision.reason})")
