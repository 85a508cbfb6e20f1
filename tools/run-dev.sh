#!/usr/bin/env bash
# `make run`: write a local .env on the first run, then hand over to `manage.py serve_local`
# (one supervisor for the local order store, the engine loop and the web server; details in
# var/log/). Options go to serve_local, e.g. `--port 8080`.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
if [ ! -f .env ]; then
  printf 'DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=%s\n' "$(head -c 32 /dev/urandom | base64 | tr -dc 'a-zA-Z0-9')" > .env
  echo "wrote .env (local development settings)"
fi
exec "${PY:-.venv/bin/python}" -m korder_site.run_local "$@"
