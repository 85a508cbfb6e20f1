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

port=$($PY -c 'from django.conf import settings; import django, os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "korder_site.settings"); django.setup(); print(settings.KORDER_DYNAMODB_LOCAL_PORT)')
$PY manage.py dynamodb_local &
pids+=($!)
for _ in $(seq 1 60); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "the local DynamoDB server did not start" >&2; exit 1; }
  sleep 0.5
done
$PY manage.py create_order_table

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
