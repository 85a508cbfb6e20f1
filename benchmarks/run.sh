#!/usr/bin/env bash
# `make bench`: every SPEC §10 benchmark, in one run on this machine, each printing its figures,
# its target and PASS/FAIL. Loopback only. Not part of `make test`.
#   bash benchmarks/run.sh [--step-seconds SECONDS]   (capacity search step length, default 6)
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
STEP=6
while [ $# -gt 0 ]; do
  case "$1" in
    --step-seconds) STEP="$2"; shift 2 ;;
    --step-seconds=*) STEP="${1#*=}"; shift ;;
    *) echo "usage: $0 [--step-seconds SECONDS]" >&2; exit 2 ;;
  esac
done
export PYTHONUNBUFFERED=1

status=0
section() {
  echo
  echo "=== $1"
  shift
  "$@" || { echo "!!! $1 failed (exit $?)"; status=1; }
}

echo "k-order benchmarks — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -srm)," \
     "git $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
section "[4] indicators (benchmarks/bench_indicators.py)" "$PY" benchmarks/bench_indicators.py
section "[3] engine on the 48 reference workflows vs fake Saxo (benchmarks/bench_engine.py)" \
  "$PY" benchmarks/bench_engine.py
section "order sync: 500 open Saxo orders, +50 ms a request (benchmarks/bench_sync.py)" \
  "$PY" benchmarks/bench_sync.py
section "[1]+[2]+[3] pages, blotter, history API capacity (benchmarks/bench_web.py)" \
  "$PY" benchmarks/bench_web.py --step-seconds "$STEP"
section "[make run] local order store memory, 50,000 queries (benchmarks/bench_store_memory.py)" \
  "$PY" benchmarks/bench_store_memory.py
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
