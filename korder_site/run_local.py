"""`make run`'s entry point: `python -m korder_site.run_local [--port N]`.

Takes the checkout's run lock (var/run.lock) before loading Django, so a second `make run` in
the same checkout refuses within a second with one line naming the running one; then runs
`manage.py serve_local` in this same process, which keeps the lock until it exits.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from korder_site import supervisor

BASE_DIR = Path(__file__).resolve().parent.parent
ALREADY_RUNNING = 3  # exit status of a refused second start


def var_dir() -> Path:
    """KORDER_VAR_DIR from the environment or the local .env, as settings.py reads it."""
    value = os.environ.get("KORDER_VAR_DIR")
    env_file = os.environ.get("KORDER_ENV_FILE", str(BASE_DIR / ".env"))
    if value is None and env_file and Path(env_file).is_file():
        from dotenv import dotenv_values

        value = dotenv_values(env_file).get("KORDER_VAR_DIR")
    return Path(value) if value else BASE_DIR / "var"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    port = parser.parse_known_args(argv)[0].port
    lock = supervisor.RunLock(var_dir() / "run.lock")
    try:
        lock.acquire(f"serving http://127.0.0.1:{port}/ from {BASE_DIR}")
    except supervisor.AlreadyRunning as exc:
        print(f"k-order is already running in this checkout ({exc}); not starting another",
              file=sys.stderr)
        return ALREADY_RUNNING
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "korder_site.settings")
    from django.core.management import execute_from_command_line

    code = 0
    try:
        execute_from_command_line(["manage.py", "serve_local", "--lock-held", *argv])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        lock.release()
    return code


if __name__ == "__main__":
    status = main(sys.argv[1:])
    # Every child is stopped and waited for by now; skip the interpreter's teardown, which
    # waited seconds on the idle worker threads the replay's engine runs left behind.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
