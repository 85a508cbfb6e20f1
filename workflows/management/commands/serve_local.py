"""manage.py serve_local: what `make run` runs. One supervisor for the local order store
(dynalite), the engine loop and the web server, after a quiet set-up (table, migrations, admin
login, sample workflows on the first run, sample data, replay of the slots not yet run).

The console gets a few lines and, last before serving, a box with the URL and the login; every
detail goes to var/log/ (rotated). SIGTERM, SIGINT and SIGHUP stop everything; a child that dies
is restarted; a second one in the same checkout refuses at once (var/run.lock).
"""

from __future__ import annotations

import argparse
import io
import logging
import logging.handlers
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from korder_site import supervisor
from orders import local_server, services
from orders.errors import OrderStoreUnavailable
from workflows.management.commands.ensure_admin import ensure_login, login_file
from workflows.models import Workflow
from workflows.sample_data import DEFAULT_DAYS

SAMPLE_WORKFLOWS = Path(settings.BASE_DIR) / "sample" / "workflows.yml"
WEB_READY_SECONDS = 60.0


class Command(BaseCommand):
    help = "Run k-order locally: order store, engine loop and web server under one supervisor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")),
                            help="web port on 127.0.0.1 (default 8000, or $PORT)")
        parser.add_argument("--replay-days", type=int, default=2)
        parser.add_argument("--sample-days", type=int, default=DEFAULT_DAYS,
                            help="trading days of sample bars on the first run")
        parser.add_argument("--lock-held", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, port: int, replay_days: int, sample_days: int,
               **options: Any) -> None:
        var = Path(settings.VAR_DIR)
        url = f"http://127.0.0.1:{port}/"
        lock = supervisor.RunLock(var / "run.lock")
        try:
            if not options["lock_held"]:  # korder_site.run_local took it before Django
                lock.acquire(f"serving {url} from {settings.BASE_DIR}")
        except supervisor.AlreadyRunning as exc:
            raise CommandError(f"k-order is already running in this checkout ({exc})") from None
        try:
            sys.exit(self.serve(var, port, url, replay_days, sample_days))
        finally:
            lock.release()

    def serve(self, var: Path, port: int, url: str, replay_days: int, sample_days: int) -> int:
        logs = var / "log"
        log = supervisor.rotating_logger("supervisor", logs / "run.log")
        _send_logging_to(logs / "setup.log")
        sup = supervisor.Supervisor(say=self.say, log=log)
        sup.install_signals()
        store_port = settings.KORDER_DYNAMODB_LOCAL_PORT
        for what, busy in (("web", port), ("order store", store_port)):
            if local_server.port_in_use(busy):
                raise CommandError(f"port {busy} (the {what}) is already in use by another "
                                   "program; set PORT / KORDER_DYNAMODB_LOCAL_PORT")
        try:
            self.start_store(sup, logs, store_port)
            self.set_up(replay_days, sample_days, log)
            self.start_engine_and_web(sup, logs, port)
        except BaseException:
            sup.stop_all()
            raise
        if settings.KORDER_MARKET_DATA == "csv":
            sup.chores.append((20.0, SampleBars(log, sample_days).append_when_due))
        self.stdout.write(login_box(url, *ensure_login("admin")))
        self.stdout.flush()
        code = sup.run()
        if sup.failed:
            self.stderr.write(sup.failed)
        return code

    def say(self, line: str) -> None:
        self.stdout.write(line)
        logging.getLogger("korder.run.supervisor").info(line)

    def start_store(self, sup: supervisor.Supervisor, logs: Path, port: int) -> None:
        data_dir = settings.KORDER_DYNAMODB_DATA_DIR
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            local_server.ensure_installed()
            argv = local_server.command(port=port, data_dir=data_dir)
        except local_server.LocalServerError as exc:
            raise CommandError(str(exc)) from exc
        sup.start(supervisor.Child("order store", argv, logs / "store.log",
                                   ready=lambda p: _wait_listening(p, port)))
        try:
            services.create_order_table()
            services.upgrade_order_table()  # an older local table gets day-index (blotter)
        except OrderStoreUnavailable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"order store on {local_server.endpoint(port)}, data in {data_dir}; "
                          f"logs in {logs}/")

    def set_up(self, replay_days: int, sample_days: int, log: logging.Logger) -> None:
        """Migrations, sample workflows (first run only), sample data, replay: output to the
        log, the replay's summary line to the console."""
        details = _LogStream(log)
        call_command("migrate", "--no-input", verbosity=0, stdout=details)
        if not Workflow.objects.exists():
            call_command("import_workflows", str(SAMPLE_WORKFLOWS), stdout=details)
        call_command("make_sample_data", days=sample_days, stdout=details)
        summary = io.StringIO()
        call_command("replay_sample", days=replay_days, stdout=summary)
        self.say(summary.getvalue().strip())

    def start_engine_and_web(self, sup: supervisor.Supervisor, logs: Path, port: int) -> None:
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        sup.start(supervisor.Child("engine loop", [*manage, "run_workflows", "--loop"],
                                   logs / "engine.log", env=env))
        web = [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"]
        sup.start(supervisor.Child("web server", web, logs / "web.log", env=env,
                                   ready=lambda p: _wait_listening(p, port, WEB_READY_SECONDS)))


class SampleBars:
    """Appends the sample bars of each new quarter hour while `make run` runs, so the engine
    loop (which re-reads changed CSV files) sees the market move."""

    def __init__(self, log: logging.Logger, days: int) -> None:
        self.log = log
        self.days = days
        self.done = _quarter(datetime.now(UTC))

    def append_when_due(self) -> None:
        quarter = _quarter(datetime.now(UTC))
        if quarter > self.done:
            call_command("make_sample_data", days=self.days, stdout=_LogStream(self.log))
            self.done = quarter


def _quarter(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def login_box(url: str, state: str, password: str, user: str = "admin") -> str:
    """The last lines printed before serving: where, who, how to stop."""
    where = login_file().relative_to(settings.BASE_DIR) if login_file().is_relative_to(
        settings.BASE_DIR) else login_file()
    secret = {
        "created": f"{password}   (saved in {where})",
        "unchanged": f"unchanged since first run; see {where}",
    }.get(state, f"changed since first run (reset: manage.py changepassword {user})")
    rows = [f"k-order is running: {url}", f"user:      {user}", f"password:  {secret}",
            f"API docs:  {url}api/docs", f"stop:      Ctrl-C, or kill -TERM {os.getpid()}"]
    width = max(len(r) for r in rows)
    line = "+" + "-" * (width + 2) + "+"
    return "\n".join([line, *(f"| {r:<{width}} |" for r in rows), line])


def _wait_listening(process: Any, port: int, timeout: float = 15.0) -> None:
    try:
        local_server.wait_listening(process, port, timeout)
    except local_server.LocalServerError as exc:
        raise RuntimeError(str(exc).replace("dynalite", f"the process on port {port}")) from exc


def _send_logging_to(path: Path) -> None:
    """This process's own logging (engine replay, store client) goes to `path`, not the
    console."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=supervisor.LOG_BYTES,
        backupCount=supervisor.LOG_BACKUPS, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)


class _LogStream(io.TextIOBase):
    """A text stream that writes each line to a logger (for call_command's stdout)."""

    def __init__(self, log: logging.Logger) -> None:
        self.log = log

    def write(self, text: str) -> int:
        for line in text.splitlines():
            if line.strip():
                self.log.info(line)
        return len(text)
