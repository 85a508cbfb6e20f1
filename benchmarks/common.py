"""Shared helpers of the benchmarks: a private dynalite, an isolated Django environment, seeding,
a gunicorn server as deployed, and percentiles. Loopback only; nothing here is imported by the app.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
PYTHON = sys.executable
SHARED = Path(os.environ.get("KORDER_SHARED_DIR") or REPO.parent / "shared")

from orders import local_server  # noqa: E402 - pure module, no Django


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of `values`; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


@contextmanager
def dynalite(data_dir: Path | None = None) -> Iterator[str]:
    """A dynalite on a free loopback port for this benchmark only; yields its URL.

    With `data_dir` it keeps its LevelDB there, as `manage.py dynamodb_local` runs it; else in
    memory, as the tests run it."""
    with local_server.running(data_dir=data_dir) as url:
        yield url


@contextmanager
def scratch_dir(prefix: str, *, memory: bool = False) -> Iterator[Path]:
    """A temporary directory, removed afterwards; on tmpfs (/dev/shm) when `memory`."""
    base = "/dev/shm" if memory and os.path.isdir("/dev/shm") else None
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def production_env(var_dir: Path, endpoint: str, **extra: str) -> dict[str, str]:
    """The environment a deployment would have: DEBUG off, a real secret key, no .env file,
    SQLite under `var_dir`, the order table on `endpoint` (dynalite: dummy credentials)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({
        "KORDER_ENV_FILE": "",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_HTTPS": "0",  # plain HTTP on loopback
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "KORDER_VAR_DIR": str(var_dir),
        "KORDER_DYNAMODB_ENDPOINT": endpoint,
        "KORDER_DYNAMODB_TABLE": "workflow_orders",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "KORDER_LOG_LEVEL": "WARNING",
        "SLACK_BOT_TOKEN": "",
    })
    env.update(extra)
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure Django in this process from `env` (call once, before any app import)."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "korder_site.settings")
    import django

    django.setup()


def manage(env: dict[str, str], *args: str) -> str:
    """Run `manage.py ARGS` in a subprocess; return stdout, raise with stderr on failure."""
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


# --- seeding ------------------------------------------------------------------------------------


def create_workflows(count: int) -> list[str]:
    """`count` zone workflows through the same service the API uses; returns their ids."""
    from workflows.services import create_workflow
    from workflows.validation import WorkflowIn

    ids = []
    for i in range(count):
        definition = WorkflowIn.model_validate({
            "name": f"bench {i:03d} dax zone", "index": "DAX.I", "cfd": "GER40.I",
            "conditions": [{"indicator": {"name": "zone", "ut": "h1", "value": 21000,
                                          "zone_value": 23000},
                            "close": {"direction": "below", "ut": "h1"}}],
        })
        ids.append(str(create_workflow(definition=definition).id))
    return ids


def seed_orders(workflow_ids: list[str], per_workflow: int, *, now: datetime,
                offset: int = 0) -> int:
    """Write `per_workflow` orders for each workflow, 25 minutes apart going back from `now`
    (300 orders span 5.2 days: all inside the 7-day window), with `store.load_orders`
    (BatchWriteItem, 25 per request) for seeding speed; the app itself writes one conditional
    put per order. `offset` makes a second call add new, distinct, older orders."""
    from orders import store
    from orders.records import OrderRecord, ttl_for

    def rows() -> Iterator[tuple[OrderRecord, int]]:
        for wid in workflow_ids:
            for j in range(offset, offset + per_workflow):
                placed = now - timedelta(minutes=1 + 25 * j, microseconds=j)
                record = OrderRecord(
                    id=str(uuid.uuid4()), workflow_id=wid, workflow_name="bench",
                    placed_at=placed, order_code="GER40.I", order_price=Decimal("22150.5"),
                    order_quantity=Decimal("0.1"), order_direction="SELL" if j % 2 else "BUY",
                    order_type="OPEN_STOP", asset_type="CfdOnIndex",
                    trigger_close=Decimal("22160.25"), trigger_candle_time=placed,
                    execution_context="benchmark",
                )
                yield record, ttl_for(placed, timedelta(days=7))

    return store.load_orders(rows())


# --- the web app as deployed -------------------------------------------------------------------


# gunicorn suggests (2 x cores) + 1, but here dynalite and the load generator share the same 2
# cores: 3 sync workers queue less behind them (p99 62 ms vs 85 ms with 5, one run each).
GUNICORN_WORKERS = 3


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = GUNICORN_WORKERS,
             error_log: str = "-") -> Iterator[str]:
    """`gunicorn korder_site.wsgi` (sync workers) on a free loopback port; yields its base URL
    once /healthz answers 200."""
    port = local_server.free_port()
    binary = str(Path(PYTHON).with_name("gunicorn"))
    args = [binary, "korder_site.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--error-logfile", error_log, "--log-level", "warning",
            "--timeout", "30"]
    log = subprocess.DEVNULL if error_log == "-" else open(error_log, "ab")  # noqa: SIM115
    process = subprocess.Popen(args, cwd=REPO, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{base}/healthz", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log is not subprocess.DEVNULL:
            log.close()


def wait_http(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f}s")
        time.sleep(0.1)


def machine() -> str:
    import platform

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    python = platform.python_version()
    return f"{platform.node()}: {os.cpu_count()} cores ({cpu}){mem}, Python {python}"


def now_utc() -> datetime:
    return datetime.now(UTC)


def figure(label: str, value: str, target: str = "", ok: bool | None = None) -> None:
    """One printed line: label, measured value, target and verdict."""
    verdict = "" if ok is None else ("  PASS" if ok else "  FAIL")
    aim = f"  (target {target})" if target else ""
    print(f"  {label:<52} {value:>14}{aim}{verdict}", flush=True)
