"""Web benchmarks (SPEC §10), on the app served by gunicorn as deployed (DEBUG off, a secret
key, SQLite, a dynalite started here), 100 workflows:

1. pages: /workflows/, /workflow-orders/ and /blotter/ (first page), p50 over repeated
   requests at 30 orders per workflow and again at 300 (10x): p50 and the 10x/1x ratio. The
   Workflow Orders page's read (latest order per workflow) is also timed both ways in-process:
   newest day-index rows (what the page does) against one Limit-1 Query per workflow.
2. blotter API: single-client rate of its first page against the raw `day-index` Query of the
   same rows (through orders/store.py), back to back, interleaved.
3. history API: single-client rate against the raw store work (page Query + COUNT Query,
   through orders/store.py); then CAPACITY: the open-loop rate stepped up until p99 > 50 ms or
   an error (benchmarks/loadgen.py, separate processes, the same clients for both), for the API
   and for the raw store work: API capacity / raw capacity, quiet and again while an
   engine-like writer records 240 orders a minute (conditional puts through services). The
   same for the blotter API's first page against its raw day-index Query.

    .venv/bin/python benchmarks/bench_web.py [--step-seconds 6] [--p99-ms 50] [--capacity-only]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import loadgen  # noqa: E402
from common import figure, percentile  # noqa: E402

WORKFLOWS = 100
BASE_ORDERS = 30
ORDERS = 300
PAGE_REPEATS = 30
RATE_SECONDS = 4.0
CLIENT_PROCESSES, CLIENT_THREADS = 2, 8  # 16 clients, for the API and the raw calls alike
WRITES_PER_MINUTE = 240
START_RATE = 5.0
USER, PASSWORD = "bench", "bench-password-123"
PAGES = {"workflows list": "/workflows/", "Workflow Orders page": "/workflow-orders/",
         "blotter first page": "/blotter/"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step-seconds", type=float, default=6.0, help="capacity step length")
    parser.add_argument("--p99-ms", type=float, default=50.0, help="capacity latency bound")
    parser.add_argument("--capacity-only", action="store_true",
                        help="seed 300 orders a workflow and run only the capacity searches")
    args = parser.parse_args()
    with common.scratch_dir("korder-bench-web-") as tmp, \
            common.dynalite(tmp / "dynamodb") as endpoint:
        env = common.production_env(tmp / "var", endpoint)
        (tmp / "var").mkdir()
        common.manage(env, "migrate", "--no-input", "-v0")
        common.manage(env, "create_order_table")
        common.setup_django(env)
        ids = prepare()
        token = common.manage(env, "create_api_token", USER, "--name", "benchmark").strip()
        with common.gunicorn(env, error_log=str(tmp / "gunicorn.log")) as base:
            if args.capacity_only:
                add_orders(ids)
            else:
                bench_pages(base, ids)
                bench_blotter_rate(base, token)
                bench_history_rate(base, ids, token)
            bench_capacity(base, ids, token, step=args.step_seconds, p99=args.p99_ms)


def prepare() -> list[str]:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(USER, password=PASSWORD)
    started = time.perf_counter()
    ids = common.create_workflows(WORKFLOWS)
    written = common.seed_orders(ids, BASE_ORDERS, now=common.now_utc())
    print(f"  seeded {WORKFLOWS} workflows, {written} orders in "
          f"{time.perf_counter() - started:.1f}s", flush=True)
    return ids


# --- [1] pages ----------------------------------------------------------------------------------


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


def page_p50s(session: requests.Session, base: str) -> dict[str, float]:
    """p50 (ms) of PAGE_REPEATS GETs of each page, interleaved, after 3 warm-ups each."""
    timings: dict[str, list[float]] = {name: [] for name in PAGES}
    for i in range(PAGE_REPEATS + 3):
        for name, path in PAGES.items():
            started = time.perf_counter()
            reply = session.get(base + path, timeout=10)
            elapsed = (time.perf_counter() - started) * 1000
            if reply.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {reply.status_code}")
            if i >= 3:
                timings[name].append(elapsed)
    return {name: percentile(values, 50) for name, values in timings.items()}


def latest_both_ways(ids: list[str], repeats: int = 15) -> dict[str, float]:
    """p50 (ms) of the Workflow Orders page's read, in this process: day-index rows first
    (what the page does) and one Limit-1 Query per workflow (what it did), interleaved."""
    from orders import blotter, services

    ways: dict[str, Callable[..., dict]] = {"day-index": blotter.latest_orders,
                                            "Limit-1 x 100": services.latest_orders}
    timings: dict[str, list[float]] = {name: [] for name in ways}
    for i in range(repeats + 2):
        for name, read in ways.items():
            started = time.perf_counter()
            found = read(workflow_ids=ids, now=common.now_utc())
            if len(found) != len(ids):
                raise RuntimeError(f"{name}: {len(found)} of {len(ids)} workflows found")
            if i >= 2:
                timings[name].append((time.perf_counter() - started) * 1000)
    return {name: percentile(values, 50) for name, values in timings.items()}


def add_orders(ids: list[str]) -> None:
    """From BASE_ORDERS to ORDERS orders per workflow (the 10x of the page figures)."""
    started = time.perf_counter()
    common.seed_orders(ids, ORDERS - BASE_ORDERS, now=common.now_utc(), offset=BASE_ORDERS)
    print(f"  added orders up to {WORKFLOWS} x {ORDERS} in "
          f"{time.perf_counter() - started:.1f}s", flush=True)


def bench_pages(base: str, ids: list[str]) -> None:
    session = logged_in(base)
    before, latest_before = page_p50s(session, base), latest_both_ways(ids)
    add_orders(ids)
    after, latest_after = page_p50s(session, base), latest_both_ways(ids)
    print(f"\n[1] pages with {WORKFLOWS} workflows (p50 of {PAGE_REPEATS} requests, gunicorn)")
    for name in PAGES:
        figure(f"{name} p50, {BASE_ORDERS} orders/workflow", f"{before[name]:.1f} ms",
               "<= 200 ms", before[name] <= 200)
        figure(f"{name} p50, {ORDERS} orders/workflow (10x)", f"{after[name]:.1f} ms",
               "<= 200 ms", after[name] <= 200)
        ratio = after[name] / before[name]
        figure(f"{name} 10x orders / 1x orders", f"{ratio:.2f}x", "< 1.2x", ratio < 1.2)
    print("  the Workflow Orders read in-process (p50), both ways:")
    for name in latest_before:
        figure(f"latest per workflow via {name}, 1x / 10x",
               f"{latest_before[name]:.1f} / {latest_after[name]:.1f} ms")


# --- single-client rates --------------------------------------------------------------------


def rates(operations: dict[str, Callable[[], object]], seconds: float = RATE_SECONDS,
          rounds: int = 4) -> dict[str, float]:
    """Operations per second of each operation called back to back by one client, `seconds`
    each in total, interleaved over `rounds` so that load from elsewhere hits all alike."""
    counts = dict.fromkeys(operations, 0)
    spent = dict.fromkeys(operations, 0.0)
    for operation in operations.values():
        for _ in range(10):
            operation()
    for _ in range(rounds):
        for name, operation in operations.items():
            started = time.perf_counter()
            while time.perf_counter() - started < seconds / rounds:
                operation()
                counts[name] += 1
            spent[name] += time.perf_counter() - started
    return {name: counts[name] / spent[name] for name in operations}


def http_call(base: str, paths: list[str], token: str) -> Callable[[], None]:
    """One GET per call, round-robin over `paths` (new connection, as a fresh client)."""
    import http.client

    host, port = base.removeprefix("http://").split(":")
    picks = iter(random.Random(2).choices(paths, k=10_000_000))
    headers = {"Authorization": f"Bearer {token}"}

    def call() -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", next(picks), headers=headers)
        reply = conn.getresponse()
        body = reply.read()
        conn.close()
        if reply.status != 200:
            raise RuntimeError(f"HTTP {reply.status}: {body[:200]!r}")

    return call


def bench_blotter_rate(base: str, token: str) -> None:
    from orders import blotter, store

    check = requests.get(f"{base}/api/workflow/blotter", timeout=10,
                         headers={"Authorization": f"Bearer {token}"}).json()
    if len(check["orders"]) != blotter.DEFAULT_LIMIT or not check["next_cursor"]:
        raise RuntimeError(f"unexpected blotter answer: {len(check['orders'])} orders")

    def raw() -> None:
        now = common.now_utc()
        since, until = blotter.window(blotter.BlotterFilters(), now)
        store.query_day_page(day=until.date().isoformat(), since=since, until=until,
                             limit=blotter.DEFAULT_LIMIT + 1, start=None)

    measured = rates({"raw": raw, "api": http_call(base, ["/api/workflow/blotter"], token)})
    print(f"\n[2] blotter API, first page ({blotter.DEFAULT_LIMIT} of {WORKFLOWS * ORDERS} "
          f"orders), one client, back to back, {RATE_SECONDS:.0f}s each (interleaved)")
    figure("raw day-index Query (store.query_day_page)", f"{measured['raw']:.0f} /s")
    figure("blotter API over HTTP (same Query + auth + JSON)", f"{measured['api']:.0f} /s")
    ratio = measured["api"] / measured["raw"]
    figure("blotter API rate / raw day-index Query rate", f"{ratio:.0%}", ">= 50%", ratio >= 0.5)


def bench_history_rate(base: str, ids: list[str], token: str) -> None:
    from orders import store

    since = common.now_utc() - timedelta(days=7)
    picks = iter(random.Random(1).choices(ids, k=10_000_000))

    def query() -> None:
        store.query_history(workflow_id=next(picks), since=since, limit=21)

    pool = ThreadPoolExecutor(max_workers=4)

    def pair() -> None:  # concurrently, as services.workflow_history does
        wid = next(picks)
        count = pool.submit(store.count_orders, workflow_id=wid, since=since)
        store.query_history(workflow_id=wid, since=since, limit=21)
        count.result()

    paths = [f"/api/workflow/workflows/{wid}/orders?limit=20" for wid in ids]
    measured = rates({"pair": pair, "query": query, "api": http_call(base, paths, token)})
    print(f"\n[3] history API, {WORKFLOWS} workflows x {ORDERS} orders, limit 20, gunicorn "
          f"{common.GUNICORN_WORKERS} sync workers, Bearer token")
    print(f"  one client, back to back, {RATE_SECONDS:.0f}s each (interleaved), raw calls "
          "through orders/store.py:")
    figure("raw: page Query (21 rows)", f"{measured['query']:.0f} /s")
    figure("raw: page Query + COUNT Query concurrently (the API's store work)",
           f"{measured['pair']:.0f} /s")
    figure("history API over HTTP (same two queries)", f"{measured['api']:.0f} /s")
    ratio = measured["api"] / measured["pair"]
    figure("API rate / raw rate (same work)", f"{ratio:.0%}", ">= 50%", ratio >= 0.5)


# --- capacity -----------------------------------------------------------------------------------


def climbs(base: str, ids: list[str], token: str, *, step: float,
           p99: float) -> dict[str, loadgen.Climb]:
    """Capacity searches for the history API and the blotter API, each against the raw store
    work of the same request, stepped in turn (history API, raw, blotter API, raw, ...) so
    that drift in the VM's speed hits all alike."""
    from orders import blotter

    common_options = {"timeout": 10.0, "threads": CLIENT_THREADS,
                      "processes": CLIENT_PROCESSES, "headers": {}}
    auth = {"Authorization": f"Bearer {token}"}
    clients = {
        "history api": loadgen.Clients({**common_options, "mode": "http", "headers": auth,
                                        "limit": 20, "targets": [
            f"{base}/api/workflow/workflows/{wid}/orders?limit=20" for wid in ids]}),
        "history raw": loadgen.Clients({**common_options, "mode": "store-history",
                                        "limit": 20, "targets": ids}),
        "blotter api": loadgen.Clients({**common_options, "mode": "http", "headers": auth,
                                        "limit": blotter.DEFAULT_LIMIT,
                                        "targets": [f"{base}/api/workflow/blotter"]}),
        "blotter raw": loadgen.Clients({**common_options, "mode": "store-day",
                                        "limit": blotter.DEFAULT_LIMIT, "targets": ids}),
    }
    searches = {name: loadgen.Climb(each, start_rate=START_RATE, step_seconds=step,
                                    p99_ms=p99, max_rate=2000)
                for name, each in clients.items()}
    try:
        while not all(search.done for search in searches.values()):
            for search in searches.values():
                if not search.done:
                    search.step()
    finally:
        for each in clients.values():
            each.close()
    return searches


class Writer:
    """An engine-like writer: WRITES_PER_MINUTE orders a minute through services.record_order
    (the conditional put), spread evenly, for random workflows."""

    def __init__(self, ids: list[str]) -> None:
        self.ids, self.stop, self.written, self.failed = ids, threading.Event(), 0, 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Writer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        from orders import services
        from orders.records import OrderRecord

        interval, pick = 60 / WRITES_PER_MINUTE, random.Random(3)
        next_at = time.monotonic()
        while not self.stop.wait(max(0.0, next_at - time.monotonic())):
            now, wid = common.now_utc(), pick.choice(self.ids)
            record = OrderRecord(
                id=str(uuid.uuid4()), workflow_id=wid, workflow_name="bench", placed_at=now,
                order_code="GER40.I", order_price=Decimal("22150.5"),
                order_quantity=Decimal("0.1"), order_direction="BUY", order_type="OPEN_STOP",
                trigger_candle_time=now, execution_context="benchmark writer")
            ok = services.record_order(record=record) == "stored"
            self.written, self.failed = self.written + ok, self.failed + (not ok)
            next_at += interval


def bench_capacity(base: str, ids: list[str], token: str, *, step: float, p99: float) -> None:
    clients = CLIENT_PROCESSES * CLIENT_THREADS
    print(f"  capacity: open-loop rate from {START_RATE:.0f}/s stepped up (x1.5, then x1.1 from "
          f"the last pass, then once halfway; {step:.0f}s a step, a rate missed after "
          f"{loadgen.TRIES} tries) while p99 <= {p99:.0f} ms "
          f"with 0 errors; {clients} clients in {CLIENT_PROCESSES} processes for each, the four "
          "searches stepped in turn")
    for phase in ("quiet", "writer"):
        writer = Writer(ids) if phase == "writer" else None
        with writer or _nothing():
            searches = climbs(base, ids, token, step=step, p99=p99)
        label = "" if phase == "quiet" else f", writer {WRITES_PER_MINUTE}/min"
        for what in ("history", "blotter"):
            api, raw = searches[f"{what} api"].best, searches[f"{what} raw"].best
            figure(f"{what} API capacity{label}", f"{api:.0f} req/s")
            figure(f"raw store capacity, same work{label}", f"{raw:.0f} req/s")
            ratio = api / raw if raw else 0.0
            figure(f"{what} API capacity / raw capacity{label}", f"{ratio:.0%}", ">= 70%",
                   ratio >= 0.7)
        if writer:
            figure("writer: orders recorded / failed", f"{writer.written} / {writer.failed}",
                   "0 failed", writer.failed == 0)
        for name, search in searches.items():
            print(f"    {name} steps: " + ", ".join(
                f"{s['offered_rate']:.0f}/s p99 {s['p99_ms']:.0f}ms"
                + (f" {s['errors']} err" if s["errors"] else "") + ("" if s["passed"] else " x")
                for s in search.steps))


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    print(f"bench_web on {common.machine()}", flush=True)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
