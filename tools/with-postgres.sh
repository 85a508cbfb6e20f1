#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL: `tools/with-postgres.sh CMD ARGS...`.
# Installs Debian's postgresql package when no server binaries are found, runs initdb as the
# `postgres` system user (the server refuses to run as root) in a temporary folder, starts it
# on a free local port, runs CMD with DATABASE_URL pointing at it, then stops it and deletes
# the folder. Used by .ci/run for the suite's PostgreSQL pass (SPEC §13).
set -euo pipefail

find_bindir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

bindir=$(find_bindir)
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_ctl" ]; then
  echo "== installing postgresql (system package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  bindir=$(find_bindir)
fi
[ -x "$bindir/pg_ctl" ] || { echo "no PostgreSQL server binaries found" >&2; exit 1; }

as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
  as_pg() { runuser -u postgres -- "$@"; }
fi

data=$(mktemp -d /tmp/korder-pg.XXXXXX)
chmod 700 "$data"
[ "$(id -u)" = 0 ] && chown postgres "$data"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  as_pg "$bindir/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$data"
}
trap stop EXIT INT TERM

as_pg "$bindir/initdb" -D "$data/db" -U korder -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durability off: a throw-away test server only.
as_pg "$bindir/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 start -o \
  "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null \
  || { cat "$data/server.log" >&2; exit 1; }
as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U korder korder

echo "== PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
export DATABASE_URL="postgres://korder@127.0.0.1:$port/korder"
"$@"
