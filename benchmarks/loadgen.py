"""Open-loop load generator and capacity finder (a separate process from the server and the
benchmark).

Request k is due at start + k / rate, whatever happened to earlier requests; its latency is
measured from that due time, not from when a client got round to sending it, so a stalled
server shows up in the percentiles instead of silently lowering the offered rate (no
coordinated omission).

Clients: `--processes` x `--threads` (the same for every target, so "the same number of
clients"); the schedule is dealt round-robin over them. Targets (`--mode`):

* `http`: GET the URLs round-robin, a new connection per request (as a fresh client; gunicorn's
  sync workers close every connection anyway).
* `store-history`: the history API's store work, through `orders/store.py`: the page Query
  (limit + 1 rows) and, concurrently as the service does, the COUNT Query, for the workflow
  ids given as targets.
* `store-day`: the blotter's first-page store work: one `day-index` Query of limit + 1 rows.

Store modes configure Django from the environment (the benchmark passes its own).

    loadgen.py --mode http --rate 100 --duration 60 --header "Authorization: Bearer ..." URL...
    loadgen.py --mode store-history --capacity --p99-ms 50 WORKFLOW_ID...

One JSON object per line on stdout: a fixed run prints one; `--capacity` prints one per step and
then `{"capacity": <highest passing rate>, ...}`.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from urllib.parse import urlsplit

Operation = Callable[[int], None]
COARSE, FINE = 1.5, 1.1  # capacity search: rate factor per step before / after the first miss
TRIES = 3  # attempts at one rate before it counts as missed
REFINE_GAP = 1.04  # after the fine steps, one step halfway when pass and miss are further apart
MIN_REQUESTS = 100  # per capacity step: fewer make its p99 just its slowest request


def http_operation(urls: list[str], headers: dict[str, str], timeout: float) -> Operation:
    """One GET per call on a new connection (gunicorn's sync workers close it after each
    answer), written and read on a plain socket: http.client's request building and header
    parsing cost the load generator ~1.8 ms of CPU a call, on the cores the server shares."""
    requests = []
    for url in urls:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        lines = [f"GET {path} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close",
                 *(f"{name}: {value}" for name, value in headers.items())]
        requests.append(((parts.hostname, parts.port), ("\r\n".join(lines) + "\r\n\r\n").encode()))

    def call(k: int) -> None:
        address, request = requests[k % len(requests)]
        with socket.create_connection(address, timeout=timeout) as sock:
            sock.sendall(request)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        head = b"".join(chunks[:1])[:12]
        if head[9:12] != b"200":
            raise RuntimeError(f"HTTP {head[9:12].decode(errors='replace') or 'no answer'}")

    return call


def store_operation(mode: str, targets: list[str], limit: int) -> Operation:
    """The store work behind one API call, through orders/store.py (Django set up here)."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "korder_site.settings")
    django.setup()
    from orders import connection, store

    connection.configure()
    store.warm_up()
    since = datetime.now(UTC) - timedelta(days=7)
    until = datetime.now(UTC) + timedelta(minutes=5)
    today = until.date().isoformat()

    counting = ThreadPoolExecutor(max_workers=4)  # as services.workflow_history does

    def history(k: int) -> None:
        wid = targets[k % len(targets)]
        count = counting.submit(store.count_orders, workflow_id=wid, since=since)
        store.query_history(workflow_id=wid, since=since, limit=limit + 1)
        count.result()

    def day(k: int) -> None:
        store.query_day_page(day=today, since=since, until=until, limit=limit + 1, start=None)

    return history if mode == "store-history" else day


def make_operation(options: dict) -> Operation:
    if options["mode"] == "http":
        return http_operation(options["targets"], options["headers"], options["timeout"])
    return store_operation(options["mode"], options["targets"], options["limit"])


def run_share(op: Operation, *, rate: float, duration: float, start: float, threads: int,
              index: int, processes: int) -> tuple[list[float], dict[str, int]]:
    """This process's share of the schedule: requests k with k % processes == index."""
    total = int(rate * duration)
    mine = list(range(index, total, processes))
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def client(first: int) -> None:
        for k in mine[first::threads]:
            due = start + k / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            try:
                op(k)
                problem = None
            except Exception as exc:  # noqa: BLE001 - every failure is counted, by kind
                problem = str(exc)[:40] if isinstance(exc, RuntimeError) else type(exc).__name__
            done = time.monotonic()
            with lock:
                latencies.append(done - due)
                if problem:
                    errors[problem] = errors.get(problem, 0) + 1

    pool = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies, errors


def _worker(conn: Connection, options: dict, index: int) -> None:
    op = make_operation(options)
    for k in range(5):
        op(k)  # warm-up: connections, first-request costs
    conn.send("ready")
    while (step := conn.recv()) is not None:
        rate, duration, start = step
        conn.send(run_share(op, rate=rate, duration=duration, start=start,
                            threads=options["threads"], index=index,
                            processes=options["processes"]))


class Clients:
    """`processes` worker processes (spawned: no state shared with this one) kept across
    steps; `step()` runs one open-loop step on all of them and merges the results."""

    def __init__(self, options: dict) -> None:
        context = multiprocessing.get_context("spawn")
        self.processes = options["processes"]
        self.pipes = []
        self.workers = []
        for index in range(self.processes):
            here, there = context.Pipe()
            worker = context.Process(target=_worker, args=(there, options, index), daemon=True)
            worker.start()
            self.pipes.append(here)
            self.workers.append(worker)
        for pipe in self.pipes:
            if pipe.recv() != "ready":
                raise RuntimeError("a load generator process failed to start")

    def step(self, rate: float, duration: float) -> dict[str, object]:
        start = time.monotonic() + 0.3
        for pipe in self.pipes:
            pipe.send((rate, duration, start))
        latencies: list[float] = []
        errors: dict[str, int] = {}
        for pipe in self.pipes:
            share, share_errors = pipe.recv()
            latencies += share
            for kind, count in share_errors.items():
                errors[kind] = errors.get(kind, 0) + count
        elapsed = time.monotonic() - start
        return summary(latencies, errors, rate=rate, elapsed=elapsed)

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for worker in self.workers:
            worker.join(timeout=10)


def summary(latencies: list[float], errors: dict[str, int], *, rate: float,
            elapsed: float) -> dict[str, object]:
    ms = sorted(x * 1000 for x in latencies)

    def pct(p: float) -> float:
        return ms[max(0, min(len(ms) - 1, int(-(-p * len(ms) // 100)) - 1))] if ms else 0.0

    return {
        "requests": len(ms), "errors": sum(errors.values()), "error_kinds": errors,
        "offered_rate": rate, "achieved_rate": len(ms) / elapsed if elapsed else 0.0,
        "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "max_ms": ms[-1] if ms else 0.0,
    }


class Climb:
    """The capacity search of one target: step the open-loop rate up (x1.5 until the first
    miss, then x1.1 from the last pass until the next miss, then one step halfway, in ratio,
    between the highest pass and the lowest miss) while p99 <= p99_ms with zero errors; `best`
    is the highest passing rate, found to within about 5%.

    A step lasts `step_seconds`, longer at low rates so that it holds at least MIN_REQUESTS
    requests. A rate counts as missed only when TRIES attempts in a row miss: a stall of the
    shared VM (another tenant, a GC, a store compaction) can fail a step but never pass one. In
    five runs, 19 of 199 steps at 25/s or less missed far below capacity (a raw 25/s step at p99
    95 ms, then 19 ms), so with two tries about one climb in ten could end early on a pair of
    stalls; with three, about one in a hundred. Both sides of a ratio get the same search."""

    def __init__(self, clients: Clients, *, start_rate: float, step_seconds: float,
                 p99_ms: float, max_rate: float, echo: bool = False) -> None:
        self.clients, self.seconds, self.p99_ms, self.max_rate = (
            clients, step_seconds, p99_ms, max_rate)
        self.echo = echo  # print each step as a JSON line
        self.best, self.failed, self.rate = 0.0, math.inf, start_rate
        self.misses, self.refined = 0, False
        self.done, self.steps = False, []

    def step(self) -> None:
        """Up to TRIES attempts at the next rate, then choose the one after."""
        if self._passes(self.rate):
            self.best = self.rate
        else:
            self.misses += 1
            self.failed = min(self.failed, self.rate)
        rate = self._next_rate()
        self.done = rate is None or rate > self.max_rate
        self.rate = rate or self.rate

    def _passes(self, rate: float) -> bool:
        seconds = max(self.seconds, MIN_REQUESTS / rate)
        for attempt in range(1, TRIES + 1):
            result = self.clients.step(rate, seconds)
            result["passed"] = result["errors"] == 0 and result["p99_ms"] <= self.p99_ms
            result["attempt"] = attempt
            self.steps.append(result)
            if self.echo:
                print(json.dumps(result), flush=True)
            if result["passed"]:
                return True
        return False

    def _next_rate(self) -> float | None:
        if not self.best:
            return None  # the start rate itself missed
        if not self.misses:
            return round(self.best * COARSE, 1)
        fine = round(self.best * FINE, 1)
        if self.misses == 1 and fine < self.failed:
            return fine
        if not self.refined and self.failed / self.best > REFINE_GAP:
            self.refined = True
            return round(math.sqrt(self.best * self.failed), 1)
        return None


def find_capacity(clients: Clients, **climb: float) -> float:
    search = Climb(clients, echo=True, **climb)
    while not search.done:
        search.step()
    return search.best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+", help="URLs (http) or workflow ids (store)")
    parser.add_argument("--mode", choices=["http", "store-history", "store-day"],
                        default="http")
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (fixed run)")
    parser.add_argument("--capacity", action="store_true", help="find the capacity instead")
    parser.add_argument("--start-rate", type=float, default=20.0)
    parser.add_argument("--step-seconds", type=float, default=6.0)
    parser.add_argument("--p99-ms", type=float, default=50.0)
    parser.add_argument("--max-rate", type=float, default=2000.0)
    parser.add_argument("--limit", type=int, default=20, help="rows per page (store modes)")
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="clients per process")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    options = {"mode": args.mode, "targets": args.targets, "limit": args.limit,
               "headers": dict(h.split(": ", 1) for h in args.header),
               "timeout": args.timeout, "threads": args.threads, "processes": args.processes}
    clients = Clients(options)
    try:
        if args.capacity:
            best = find_capacity(clients, start_rate=args.start_rate, p99_ms=args.p99_ms,
                                 step_seconds=args.step_seconds, max_rate=args.max_rate)
            print(json.dumps({"capacity": best}), flush=True)
        else:
            print(json.dumps(clients.step(args.rate, args.duration)), flush=True)
    finally:
        clients.close()


if __name__ == "__main__":
    main()
