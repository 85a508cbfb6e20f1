"""Engine benchmark (SPEC §10): the 48 reference workflows (read from
../shared/reference/workflows.yml at run time) against the fake Saxo server
(tests/fixtures/fake_saxo.py) adding 50 ms to every request.

Two runs, each in its own subprocess with a fresh database holding the imported workflows:
* shared: `engine.run` as `run_workflows` calls it (each series fetched once per run, distinct
  series fetched concurrently, KORDER_FETCH_CONCURRENCY workers);
* serial: the same pipeline (`runs.due_specs` -> `runs.run_guarded` -> `runs.finish`) with the
  raw Saxo market data, one workflow after the other: concurrency 1, no fetch sharing.
Each child reports its wall time (the run only) and its peak RSS (ru_maxrss and VmHWM: the
whole process, Django included). Market data, broker (notify) and store (a dynalite started
here) are otherwise identical. A warm-up run of each mode comes first, so that the fake's
pages are built (and cached) before anything is measured. The SQLite database and dynalite's
files are on tmpfs: what is compared is the fetching, not this machine's fsync latency.

    .venv/bin/python benchmarks/bench_engine.py
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import figure  # noqa: E402

AT = datetime(2026, 2, 20, 14, 31, tzinfo=UTC)  # a Friday, EU and US sessions open
LATENCY = 0.05
MODES = ("serial", "shared")
WORKFLOWS_YML = common.SHARED / "reference" / "workflows.yml"
HISTORY_DAYS = 420  # combo on 750 H4 candles needs about a year of 30-minute bars


# --- the fake Saxo (parent process) -------------------------------------------------------------


def asset_type(symbol: str, *, is_index: bool) -> str:
    if symbol.upper().endswith(".I"):
        return "StockIndex" if is_index and symbol != "US500.I" else "CfdOnIndex"
    return "Stock"


def start_fake_saxo() -> Any:
    """FakeSaxo with every reference symbol and a generated 30-minute chart for each, served by
    a route computing only the requested page (weekday bars, all day, deterministic)."""
    import yaml

    sys.path.insert(0, str(common.REPO))
    from tests.fixtures.fake_saxo import FakeSaxo, Reply

    fake = FakeSaxo()
    known = {row["Symbol"].lower() for row in fake.instruments}
    docs = yaml.safe_load(WORKFLOWS_YML.read_text())
    uic = 50_000
    levels = zone_levels(docs)
    for doc in docs:
        for symbol, is_index in ((doc["index"], True), (doc["cfd"], False)):
            if symbol.lower() not in known:
                uic += 1
                fake.add_instrument(symbol, uic, asset_type(symbol, is_index=is_index),
                                    tick_size=0.01)
                known.add(symbol.lower())
    prices = {row["Identifier"]: levels.get(row["Symbol"].lower(), 100.0)
              for row in fake.instruments}

    @functools.lru_cache(maxsize=4096)
    def page(uic: int, horizon: int, count: int, upto: str) -> bytes:
        data = chart_page(prices.get(uic, 100.0), horizon, count, upto)
        return json.dumps({"Data": data, "DataVersion": 1}).encode()

    def chart(request: Any) -> Reply:
        # Pages are built once and kept: the fake stands in for a remote server, so its own
        # CPU time must not weigh on the engine sharing these two cores.
        q = request.query
        return Reply(body=page(int(q["Uic"]), int(q["Horizon"]), int(q["Count"]), q["Time"]))

    fake.route("GET", "chart/v3/charts", chart)
    fake.latency = LATENCY
    return fake.start()


def zone_levels(docs: list[dict[str, Any]]) -> dict[str, float]:
    """Symbol -> the middle of its first zone workflow's bounds, so that some workflows
    trigger and the whole pipeline (claim, notify, record) is part of the measure."""
    levels: dict[str, float] = {}
    for doc in docs:
        indicator = doc["conditions"][0]["indicator"]
        if indicator["name"].lower() == "zone":
            middle = (float(indicator["value"]) + float(indicator["zone_value"])) / 2
            levels.setdefault(doc["cfd"].lower(), middle)
            levels.setdefault(doc["index"].lower(), middle)
    return levels


def chart_page(price: float, horizon: int, count: int, upto: str) -> list[dict[str, Any]]:
    """Up to `count` weekday bars of `horizon` minutes at or before `upto`, oldest first,
    oscillating within +-1% of `price`."""
    step = timedelta(minutes=horizon)
    moment = datetime.fromisoformat(upto.replace("Z", "+00:00"))
    epoch = (AT - timedelta(days=HISTORY_DAYS)).replace(hour=0, minute=0)
    moment = epoch + step * ((moment - epoch) // step)
    out: list[dict[str, Any]] = []
    while len(out) < count and moment >= epoch:
        if moment.weekday() < 5:
            i = int((moment - epoch) / step)
            base = price * (1 + ((i % 40) - 20) * 0.0005)
            close = base * (1 + ((i * 7) % 11 - 5) * 0.0002)
            out.append({"Time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "Open": round(base, 2), "High": round(max(base, close) * 1.001, 2),
                        "Low": round(min(base, close) * 0.999, 2), "Close": round(close, 2),
                        "Interest": 0.0, "Volume": 0.0})
        moment -= step
    out.reverse()
    return out


# --- one measured run (child process) ----------------------------------------------------------


def child(mode: str, profile: bool = False) -> None:
    common.setup_django(dict(os.environ))
    from workflows import engine
    from workflows.engine import outcomes, runs
    from workflows.engine.decisions import RunOptions, RunSummary
    from workflows.engine.deps import build_deps

    deps = build_deps(context="bench_engine")
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    if mode == "shared":
        summary = engine.run(AT, deps=deps)
    else:
        runs.flush_outbox(deps)
        decisions = []
        for spec in runs.due_specs(AT.date(), RunOptions()):
            decision = runs.run_guarded(spec, AT, deps)
            runs.finish(decision, deps)
            decisions.append(decision)
        # The same run includes the outcome step (SPEC §12), one fetch/query at a time.
        outcomes.measure_outcomes(AT, market_data=deps.market_data, workers=1)
        summary = RunSummary.of(decisions)
    wall = time.perf_counter() - started
    if profile:
        import pstats

        profiler.disable()
        order = os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(40)
    print(json.dumps({"wall_s": wall, "summary": summary.line(),
                      "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "vmhwm_mb": vmhwm_mb(), "fetch_concurrency": deps.fetch_concurrency}))


def vmhwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the benchmark (parent) --------------------------------------------------------------------


def main() -> None:
    if not WORKFLOWS_YML.is_file():
        sys.exit(f"{WORKFLOWS_YML} not found (set KORDER_SHARED_DIR)")
    fake = start_fake_saxo()
    try:
        with common.scratch_dir("korder-bench-engine-", memory=True) as tmp, \
                common.dynalite(tmp / "dynamodb") as endpoint:
            template = tmp / "template"
            env = engine_env(template, endpoint, fake)
            template.mkdir()
            common.manage(env, "migrate", "--no-input", "-v0")
            print("  " + common.manage(env, "import_workflows", str(WORKFLOWS_YML)).strip()
                  .replace("\n", "\n  "))
            for mode in MODES:  # warm-up: the fake builds and keeps every page both need
                measure(mode, template, tmp, endpoint, fake, warm_up=True)
            results = {mode: measure(mode, template, tmp, endpoint, fake) for mode in MODES}
    finally:
        fake.stop()
    report(results)


def engine_env(var_dir: Path, endpoint: str, fake: Any) -> dict[str, str]:
    from tests.fixtures.fake_saxo import STATIC_TOKEN

    return common.production_env(
        var_dir, endpoint, KORDER_MARKET_DATA="saxo", KORDER_BROKER="notify",
        KORDER_SAXO_ENVIRONMENT="sim", KORDER_SAXO_ACCESS_TOKEN=STATIC_TOKEN,
        KORDER_SAXO_BASE_URL=fake.base_url, KORDER_SAXO_AUTH_URL=fake.auth_url,
        KORDER_LOG_LEVEL="ERROR")


def measure(mode: str, template: Path, tmp: Path, endpoint: str, fake: Any, *,
            warm_up: bool = False) -> dict[str, Any]:
    name = f"{mode}-warm-up" if warm_up else mode
    var_dir = tmp / name
    shutil.copytree(template, var_dir)
    env = engine_env(var_dir, endpoint, fake)
    env["KORDER_DYNAMODB_TABLE"] = f"orders_{name}"  # the same workflow ids in every run
    common.manage(env, "create_order_table")
    before = len(fake.requests_to("chart/v3/charts"))
    done = subprocess.run([common.PYTHON, __file__, "--child", mode], cwd=common.REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} run failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["chart_requests"] = len(fake.requests_to("chart/v3/charts")) - before
    print(f"  {name:>14}: {result['summary']} in {result['wall_s']:.2f}s, "
          f"{result['chart_requests']} chart requests", flush=True)
    return result


def report(results: dict[str, dict[str, Any]]) -> None:
    shared, serial = results["shared"], results["serial"]
    ratio = serial["wall_s"] / shared["wall_s"]
    print(f"\n[3] engine, 48 reference workflows, fake Saxo + {LATENCY * 1000:.0f} ms/request, "
          f"as of {AT:%Y-%m-%d %H:%M} UTC")
    figure("concurrency 1, no fetch sharing: wall time", f"{serial['wall_s']:.2f} s")
    figure(f"shared fetching, {shared['fetch_concurrency']} workers: wall time",
           f"{shared['wall_s']:.2f} s")
    figure("chart requests: serial / shared",
           f"{serial['chart_requests']} / {shared['chart_requests']}")
    figure("speed-up (serial wall / shared wall)", f"{ratio:.1f}x", ">= 5x", ratio >= 5)
    peak = max(shared["ru_maxrss_mb"], shared["vmhwm_mb"])
    figure("peak RSS of the shared run (ru_maxrss)", f"{shared['ru_maxrss_mb']:.0f} MB",
           "<= 200 MB", peak <= 200)
    figure("peak RSS of the shared run (VmHWM)", f"{shared['vmhwm_mb']:.0f} MB")
    figure("peak RSS of the serial run (ru_maxrss)", f"{serial['ru_maxrss_mb']:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=("shared", "serial"))
    parser.add_argument("--profile", action="store_true", help="child: cProfile to stderr")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.profile)
    else:
        print(f"bench_engine on {common.machine()}", flush=True)
        main()
