"""A small process supervisor for `make run` (`manage.py serve_local`): one lock per checkout,
children in their own process groups with their output in rotating logs, restart of a child that
dies, and one way to stop everything (SIGTERM, SIGINT, SIGHUP, or the parent going away).

No Django import: the management command gives it the command lines.
"""

from __future__ import annotations

import ctypes
import fcntl
import logging
import logging.handlers
import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

LOG_BYTES = 2_000_000  # per log file; LOG_BACKUPS more kept: var/log/ stays under ~40 MB
LOG_BACKUPS = 3
MAX_RESTARTS = 5  # within RESTART_WINDOW seconds, then everything stops
RESTART_WINDOW = 120.0
STOP_GRACE = 6.0  # seconds for all children to exit on SIGTERM before SIGKILL
_PR_SET_PDEATHSIG = 1


class AlreadyRunning(Exception):
    """Another supervisor holds the lock; the message names it."""


class RunLock:
    """An exclusive flock on `path` held for the life of this process; the file says who."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def acquire(self, description: str) -> None:
        """Take the lock or raise AlreadyRunning naming the holder (pid and what it serves)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunning(holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, {description}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def rotating_logger(name: str, path: Path) -> logging.Logger:
    """A logger writing plain lines to `path`, rotated at LOG_BYTES with LOG_BACKUPS kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"korder.run.{name}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    return logger


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the supervisor itself dies (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


@dataclass
class Child:
    """One supervised command. `ready` (optional) blocks until the child serves."""

    name: str
    argv: list[str]
    log_path: Path
    env: dict[str, str] | None = None
    cwd: Path | None = None
    ready: Callable[[subprocess.Popen], None] | None = None
    process: subprocess.Popen | None = None
    failures: deque[float] = field(default_factory=deque)


class Supervisor:
    """Starts children, restarts one that dies, stops them all once."""

    def __init__(self, say: Callable[[str], None], log: logging.Logger) -> None:
        self.say = say
        self.log = log
        self.children: list[Child] = []
        self.chores: list[tuple[float, Callable[[], None]]] = []  # (every seconds, what)
        self.stopping = threading.Event()
        self.failed: str | None = None
        self._parent = os.getppid()

    def install_signals(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.log.info("received %s: stopping", signal.Signals(signum).name)
        self.stopping.set()

    def start(self, child: Child) -> None:
        """Start `child` and wait until it is ready; raise RuntimeError if it is not."""
        if child not in self.children:
            self.children.append(child)
        self._spawn(child)
        if child.ready is not None:
            child.ready(child.process)

    def _spawn(self, child: Child) -> None:
        output = rotating_logger(child.name, child.log_path)
        process = subprocess.Popen(
            child.argv, env=child.env, cwd=child.cwd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only prctl, before exec
        )
        child.process = process
        self.log.info("started %s (pid %d): %s", child.name, process.pid, " ".join(child.argv))
        threading.Thread(target=_copy_lines, args=(process, output), daemon=True).start()

    def run(self, poll: float = 0.2) -> int:
        """Watch the children until a stop is asked for or one fails too often; then stop
        them all; run each chore every so often. Returns the exit code: 0 on a requested
        stop, 1 on failure."""
        due = [time.monotonic() + every for every, _ in self.chores]
        while not self.stopping.wait(poll):
            self._run_chores(due)
            if os.getppid() != self._parent:
                self.log.info("parent process went away: stopping")
                break
            for child in self.children:
                if child.process is not None and child.process.poll() is not None:
                    self._restart_or_fail(child)
            if self.failed:
                break
        self.stop_all()
        return 1 if self.failed else 0

    def _run_chores(self, due: list[float]) -> None:
        for i, (every, chore) in enumerate(self.chores):
            if time.monotonic() >= due[i]:
                try:
                    chore()
                except Exception:  # noqa: BLE001 - a chore never stops the supervisor
                    self.log.exception("chore %s failed", getattr(chore, "__name__", chore))
                due[i] = time.monotonic() + every

    def _restart_or_fail(self, child: Child) -> None:
        process = child.process
        assert process is not None
        now = time.monotonic()
        child.failures.append(now)
        while child.failures and now - child.failures[0] > RESTART_WINDOW:
            child.failures.popleft()
        code = process.returncode
        if len(child.failures) > MAX_RESTARTS:
            self.failed = (f"k-order stopped: the {child.name} exited {len(child.failures)} times "
                           f"in {RESTART_WINDOW:.0f} s (last exit code {code}); see "
                           f"{child.log_path}")
            child.process = None
            return
        self.say(f"{child.name} (pid {process.pid}) exited with code {code}; restarting it")
        time.sleep(min(0.2 * 2 ** (len(child.failures) - 1), 3.0))
        try:
            self.start(child)
        except (RuntimeError, OSError) as exc:
            self.log.info("restart of %s failed: %s", child.name, exc)
        else:
            self.say(f"{child.name} restarted (pid {child.process.pid})")

    def stop_all(self) -> None:
        """SIGTERM every child's process group (the newest first), SIGKILL what is left after
        STOP_GRACE seconds, and wait for all of them."""
        alive = [c.process for c in reversed(self.children) if c.process is not None]
        for process in alive:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for process in alive:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        self.log.info("all children stopped")


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _copy_lines(process: subprocess.Popen, output: logging.Logger) -> None:
    assert process.stdout is not None
    for raw in process.stdout:
        output.info(raw.decode("utf-8", "replace").rstrip())
    process.stdout.close()
