"""Open-loop HTTP load generator (a separate process from the server and the benchmark).

Request k is due at start + k / rate, whatever happened to earlier requests; its latency is
measured from that due time, not from when a thread got round to sending it, so a stalled
server shows up in the percentiles instead of silently lowering the offered rate (no
coordinated omission). Prints one JSON object on stdout.

    loadgen.py --rate 100 --duration 60 --header "Authorization: Bearer ..." URL [URL ...]

URLs are used round-robin. Each request opens its own connection (gunicorn's sync workers
close every connection anyway), as a fresh client would.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def one_request(url: str, headers: dict[str, str], timeout: float) -> int:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request("GET", path, headers=headers)
        reply = conn.getresponse()
        reply.read()
        return reply.status
    finally:
        conn.close()


def run(urls: list[str], *, rate: float, duration: float, headers: dict[str, str],
        threads: int, timeout: float) -> dict[str, object]:
    total = int(rate * duration)
    latencies: list[float] = []
    late_starts: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def worker(first: int) -> None:
        for k in range(first, total, threads):
            due = start + k / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            sent = time.perf_counter()
            try:
                status = one_request(urls[k % len(urls)], headers, timeout)
                problem = None if status == 200 else f"HTTP {status}"
            except Exception as exc:  # noqa: BLE001 - every failure is counted, by kind
                problem = type(exc).__name__
            done = time.perf_counter()
            with lock:
                latencies.append(done - due)
                late_starts.append(sent - due)
                if problem:
                    errors[problem] = errors.get(problem, 0) + 1

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - start
    ms = sorted(x * 1000 for x in latencies)

    def pct(p: float) -> float:
        return ms[max(0, min(len(ms) - 1, int(-(-p * len(ms) // 100)) - 1))] if ms else 0.0

    return {
        "requests": len(ms), "errors": sum(errors.values()), "error_kinds": errors,
        "offered_rate": rate, "achieved_rate": len(ms) / elapsed if elapsed else 0.0,
        "duration_s": elapsed, "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99),
        "max_ms": ms[-1] if ms else 0.0,
        "max_late_start_ms": max(late_starts, default=0.0) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--threads", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    result = run(args.urls, rate=args.rate, duration=args.duration, headers=headers,
                 threads=args.threads, timeout=args.timeout)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
