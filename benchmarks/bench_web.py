"""Web benchmarks (SPEC §10), on the app served by gunicorn as deployed (DEBUG off, a secret
key, SQLite, a dynalite started here):

1. pages: /workflows/ and /workflow-orders/ with 100 workflows, p50 over repeated requests,
   at 30 orders per workflow and again at 300 (10x); the ratio shows the cost is flat.
2. history API: GET /api/workflow/workflows/{id}/orders?limit=20 with 100 workflows x 300
   orders, Bearer token from `manage.py create_api_token`; an open-loop load generator
   (benchmarks/loadgen.py, a separate process) at 100 requests/s; p50/p99/errors; and the
   API's single-client request rate against the raw PynamoDB rate of the same store work
   (the limit-20 Query plus the COUNT query behind `total_count`), measured in this run.

    .venv/bin/python benchmarks/bench_web.py [--duration 60] [--rate 100]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import figure, percentile  # noqa: E402

WORKFLOWS = 100
BASE_ORDERS = 30
ORDERS = 300
PAGE_REPEATS = 40
RATE_SECONDS = 5.0
USER, PASSWORD = "bench", "bench-password-123"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=float, default=60.0, help="load test seconds")
    parser.add_argument("--rate", type=float, default=100.0, help="load test requests/s")
    args = parser.parse_args()
    with common.scratch_dir("korder-bench-web-") as tmp, \
            common.dynalite(tmp / "dynamodb") as endpoint:
        env = common.production_env(tmp / "var", endpoint)
        (tmp / "var").mkdir()
        common.manage(env, "migrate", "--no-input", "-v0")
        common.manage(env, "create_order_table")
        common.setup_django(env)
        ids = prepare(env)
        token = common.manage(env, "create_api_token", USER, "--name", "benchmark").strip()
        with common.gunicorn(env, error_log=str(tmp / "gunicorn.log")) as base:
            bench_pages(base, ids)
            bench_api(base, ids, token, rate=args.rate, duration=args.duration)


def prepare(env: dict[str, str]) -> list[str]:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(USER, password=PASSWORD)
    started = time.perf_counter()
    ids = common.create_workflows(WORKFLOWS)
    written = common.seed_orders(ids, BASE_ORDERS, now=common.now_utc())
    print(f"  seeded {WORKFLOWS} workflows, {written} orders in "
          f"{time.perf_counter() - started:.1f}s", flush=True)
    return ids


# --- pages --------------------------------------------------------------------------------------


def logged_in(base: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/login/", timeout=10).raise_for_status()
    reply = session.post(f"{base}/login/", timeout=10, allow_redirects=False, data={
        "username": USER, "password": PASSWORD,
        "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/login/"})
    if reply.status_code != 302:
        raise RuntimeError(f"login failed: HTTP {reply.status_code}")
    return session


def page_p50(session: requests.Session, url: str) -> float:
    """p50 (ms) of PAGE_REPEATS sequential GETs after 3 warm-up requests; any non-200 aborts."""
    timings = []
    for i in range(PAGE_REPEATS + 3):
        started = time.perf_counter()
        reply = session.get(url, timeout=10)
        elapsed = (time.perf_counter() - started) * 1000
        if reply.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {reply.status_code}")
        if i >= 3:
            timings.append(elapsed)
    return percentile(timings, 50)


def bench_pages(base: str, ids: list[str]) -> None:
    session = logged_in(base)
    pages = {"workflows list": f"{base}/workflows/", "orders page": f"{base}/workflow-orders/"}
    before = {name: page_p50(session, url) for name, url in pages.items()}
    started = time.perf_counter()
    common.seed_orders(ids, ORDERS - BASE_ORDERS, now=common.now_utc(), offset=BASE_ORDERS)
    print(f"  added orders up to {WORKFLOWS} x {ORDERS} in "
          f"{time.perf_counter() - started:.1f}s", flush=True)
    after = {name: page_p50(session, url) for name, url in pages.items()}
    print(f"\n[2] pages with {WORKFLOWS} workflows (p50 of {PAGE_REPEATS} requests, gunicorn)")
    for name in pages:
        figure(f"{name} p50, {BASE_ORDERS} orders/workflow", f"{before[name]:.1f} ms",
               "<= 200 ms", before[name] <= 200)
        figure(f"{name} p50, {ORDERS} orders/workflow (10x)", f"{after[name]:.1f} ms",
               "<= 200 ms", after[name] <= 200)
        ratio = after[name] / before[name]
        figure(f"{name} 10x orders / 1x orders", f"{ratio:.2f}x", "< 1.2x", ratio < 1.2)


# --- history API --------------------------------------------------------------------------------


def rates(operations: dict[str, Callable[[], object]], seconds: float = RATE_SECONDS,
          rounds: int = 4) -> dict[str, float]:
    """Operations per second of each operation called back to back by one client, `seconds`
    each in total, interleaved over `rounds` so that load from elsewhere hits all alike."""
    counts = dict.fromkeys(operations, 0)
    spent = dict.fromkeys(operations, 0.0)
    for operation in operations.values():
        for _ in range(20):
            operation()
    for _ in range(rounds):
        for name, operation in operations.items():
            started = time.perf_counter()
            while time.perf_counter() - started < seconds / rounds:
                operation()
                counts[name] += 1
            spent[name] += time.perf_counter() - started
    return {name: counts[name] / spent[name] for name in operations}


def raw_operations(ids: list[str]) -> dict[str, Callable[[], object]]:
    """The limit-20 Query, and it plus the COUNT Query on `count-index` (what the API asks
    for `total_count`), straight through PynamoDB's model API."""
    from orders.models import WorkflowOrder

    since = common.now_utc() - timedelta(days=7)
    picks = iter(random.Random(1).choices(ids, k=10_000_000))

    def history() -> None:
        wid = next(picks)
        rows = list(WorkflowOrder.query(wid, WorkflowOrder.placed_at >= since,
                                        scan_index_forward=False, limit=20, page_size=20))
        assert len(rows) == 20

    def pair() -> None:
        history()
        WorkflowOrder.count_index.count(next(picks), WorkflowOrder.placed_at >= since)

    return {"pair": pair, "query": history}


def api_operation(base: str, ids: list[str], token: str) -> Callable[[], object]:
    """One history API call (new connection, as a fresh client)."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    picks = iter(random.Random(2).choices(ids, k=10_000_000))
    headers = {"Authorization": f"Bearer {token}"}

    def call() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", f"/api/workflow/workflows/{next(picks)}/orders?limit=20",
                     headers=headers)
        reply = conn.getresponse()
        body = reply.read()
        conn.close()
        if reply.status != 200:
            raise RuntimeError(f"history API: HTTP {reply.status}: {body[:200]!r}")

    return call


def check_history(base: str, ids: list[str], token: str) -> None:
    reply = requests.get(f"{base}/api/workflow/workflows/{ids[0]}/orders?limit=20", timeout=10,
                         headers={"Authorization": f"Bearer {token}"})
    reply.raise_for_status()
    data = reply.json()
    if len(data["orders"]) != 20 or data["total_count"] != ORDERS:
        raise RuntimeError(f"unexpected history answer: {len(data['orders'])} orders, "
                           f"total_count {data['total_count']}")
    if requests.get(f"{base}/api/workflow/workflows/{ids[0]}/orders", timeout=10).status_code \
            != 401:
        raise RuntimeError("the history API answered without authentication")


def bench_api(base: str, ids: list[str], token: str, *, rate: float, duration: float) -> None:
    check_history(base, ids, token)
    measured = rates({**raw_operations(ids), "api": api_operation(base, ids, token)})
    pair_rate, query_rate, api = measured["pair"], measured["query"], measured["api"]
    urls = [f"{base}/api/workflow/workflows/{wid}/orders?limit=20" for wid in ids]
    loadgen = Path(__file__).with_name("loadgen.py")
    done = subprocess.run(
        [common.PYTHON, str(loadgen), "--rate", str(rate), "--duration", str(duration),
         "--header", f"Authorization: Bearer {token}", *urls],
        capture_output=True, text=True, timeout=duration + 120)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{done.stderr}")
    load = json.loads(done.stdout)
    print(f"\n[1] history API, {WORKFLOWS} workflows x {ORDERS} orders, limit 20, "
          f"gunicorn {common.GUNICORN_WORKERS} sync workers, Bearer token")
    print(f"  open loop: {load['requests']} requests at {rate:.0f}/s offered for "
          f"{duration:.0f}s (achieved {load['achieved_rate']:.1f}/s, latest start "
          f"{load['max_late_start_ms']:.1f} ms after its due time)")
    figure("p50 latency", f"{load['p50_ms']:.1f} ms")
    figure("p90 latency", f"{load['p90_ms']:.1f} ms")
    figure("p99 latency", f"{load['p99_ms']:.1f} ms", "<= 50 ms", load["p99_ms"] <= 50)
    figure("max latency", f"{load['max_ms']:.1f} ms")
    figure("errors", f"{load['errors']} {load['error_kinds'] or ''}".strip(), "0",
           load["errors"] == 0)
    print(f"  single client, back to back, {RATE_SECONDS:.0f}s each (interleaved):")
    figure("raw PynamoDB: limit-20 Query alone", f"{query_rate:.0f} /s")
    figure("raw PynamoDB: limit-20 Query + COUNT Query", f"{pair_rate:.0f} /s")
    figure("history API over HTTP (same two queries)", f"{api:.0f} /s")
    ratio = api / pair_rate
    figure("API rate / raw PynamoDB rate (same work)", f"{ratio:.0%}", ">= 50%", ratio >= 0.5)
    figure("API rate / raw single-Query rate", f"{api / query_rate:.0%}")


if __name__ == "__main__":
    print(f"bench_web on {common.machine()}", flush=True)
    main()
