#!/usr/bin/env bash
# `make run`: the local DynamoDB server, the database, an admin login, the sample workflows,
# synthetic sample data, an engine replay, then the web UI on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var

if [ ! -f .env ]; then
  printf 'DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=%s\n' "$(head -c 32 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')" > .env
  echo "wrote .env (local development settings)"
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if $PY manage.py help dynamodb_local >/dev/null 2>&1; then
  $PY manage.py dynamodb_local &
  pids+=($!)
  $PY manage.py dynamodb_local --wait 30
  $PY manage.py create_order_table
fi

$PY manage.py migrate --no-input -v0
$PY manage.py ensure_admin
$PY manage.py import_workflows sample/workflows.yml

if $PY manage.py help make_sample_data >/dev/null 2>&1; then
  $PY manage.py make_sample_data
fi
if $PY manage.py help replay_sample >/dev/null 2>&1; then
  $PY manage.py replay_sample --days 2
fi
if $PY manage.py help run_workflows >/dev/null 2>&1; then
  $PY manage.py run_workflows --loop &
  pids+=($!)
fi

echo "k-order is on http://127.0.0.1:8000/ (login printed above; Ctrl-C stops everything)"
$PY manage.py runserver 127.0.0.1:8000 --noreload
