"""Local order store memory (SPEC §10, issue 16): the resident memory (RSS) of dynalite on LevelDB
on disk, as `make run` starts it, before and after 50,000 mixed queries from the app's own store
functions (history limit 20, COUNT on count-index, latest order, one order by id-index, and one
conditional put in ten). Target: RSS after the queries <= 300 MB.

    .venv/bin/python benchmarks/bench_store_memory.py [--queries 50000] [--unpatched]

`--unpatched` runs dynalite's own cli.js instead of tools/dynamodb-local/server.js, to show the
iterator leak that server.js fixes (see docs/operations.md).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import figure  # noqa: E402

from orders import local_server  # noqa: E402

WORKFLOWS = 20
ORDERS = 60
THREADS = 4
TARGET_MB = 300.0


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` in MB (VmRSS of /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def start_store(data_dir: Path, *, unpatched: bool) -> tuple[subprocess.Popen, str]:
    port = local_server.free_port()
    args = local_server.command(port=port, data_dir=data_dir, fast_tables=True)
    if unpatched:
        args[1] = str(local_server.CLI)
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local_server.wait_listening(process, port)
    return process, local_server.endpoint(port)


def new_record(workflow_id: str, placed):  # noqa: ANN001, ANN201 - bench helper
    from orders.records import OrderRecord

    return OrderRecord(
        id=str(uuid.uuid4()), workflow_id=workflow_id, workflow_name="bench",
        placed_at=placed, order_code="GER40.I", order_price=Decimal("22150.5"),
        order_quantity=Decimal("0.1"), order_direction="BUY", order_type="OPEN_STOP",
        asset_type="CfdOnIndex", trigger_close=Decimal("22160.25"), trigger_candle_time=placed,
        execution_context="benchmark",
    )


def seed() -> tuple[list[str], list[str]]:
    """WORKFLOWS x ORDERS orders through the app's conditional put; returns (workflow ids,
    order ids)."""
    from orders import store

    now = common.now_utc()
    workflow_ids = [str(uuid.uuid4()) for _ in range(WORKFLOWS)]
    order_ids = []
    for wid in workflow_ids:
        for j in range(ORDERS):
            record = new_record(wid, now - timedelta(minutes=30 * j + 1))
            store.put_order(record=record, ttl=int(record.placed_at.timestamp()) + 604800)
            order_ids.append(record.id)
    return workflow_ids, order_ids


def operations(workflow_ids: list[str], order_ids: list[str]) -> list[Callable[[], object]]:
    """The mixed query set; a put is one in ten."""
    from orders import store

    since = common.now_utc() - timedelta(days=7)
    pick = random.Random(7).choice

    def put() -> None:
        record = new_record(pick(workflow_ids), common.now_utc())
        store.put_order(record=record, ttl=int(record.placed_at.timestamp()) + 604800)

    reads: list[Callable[[], object]] = [
        lambda: store.query_history(workflow_id=pick(workflow_ids), since=since, limit=20),
        lambda: store.count_orders(workflow_id=pick(workflow_ids), since=since),
        lambda: store.query_latest(workflow_id=pick(workflow_ids), since=since),
        lambda: store.get_by_id(order_id=pick(order_ids)),
    ]
    return [*reads, *reads[:2], *reads[:2], reads[0], put]


def run_queries(total: int, ops: list[Callable[[], object]], pid: int) -> float:
    """`total` operations from THREADS threads, round-robin over `ops`; prints RSS along the
    way; returns the elapsed seconds."""
    step = max(1, total // 5)
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        for done in range(0, total, step):
            batch = min(step, total - done)
            list(pool.map(lambda i: ops[i % len(ops)](), range(done, done + batch)))
            print(f"  after {done + batch:>6} queries: store RSS {rss_mb(pid):6.1f} MB", flush=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=50_000)
    parser.add_argument("--unpatched", action="store_true", help="dynalite's cli.js as shipped")
    args = parser.parse_args()
    with common.scratch_dir("korder-bench-store-") as tmp:
        process, endpoint = start_store(tmp / "dynamodb", unpatched=args.unpatched)
        try:
            (tmp / "var").mkdir()
            common.setup_django(common.production_env(tmp / "var", endpoint))
            from orders import services, store

            services.create_order_table()
            store.warm_up()
            workflow_ids, order_ids = seed()
            before = rss_mb(process.pid)
            print(f"  seeded {len(order_ids)} orders; store RSS {before:.1f} MB", flush=True)
            seconds = run_queries(args.queries, operations(workflow_ids, order_ids), process.pid)
            after = rss_mb(process.pid)
        finally:
            local_server.stop(process)
    which = "dynalite cli.js (unpatched)" if args.unpatched else "tools/dynamodb-local/server.js"
    figure(f"store: {which}", f"{args.queries} queries")
    figure("query rate", f"{args.queries / seconds:.0f}/s")
    figure("store RSS before the queries", f"{before:.1f} MB")
    figure(f"store RSS after {args.queries} queries", f"{after:.1f} MB",
           f"<= {TARGET_MB:.0f} MB", after <= TARGET_MB)


if __name__ == "__main__":
    main()
