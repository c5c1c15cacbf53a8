#!/usr/bin/env bash
# A throwaway PostgreSQL (Debian's postgresql 15) for tests and the local
# cluster: its own data directory, a loopback port, no fsync.
#   scripts/pg_cluster.sh start DIR PORT   → prints the libpq URI on stdout
#   scripts/pg_cluster.sh stop DIR [MODE]   (pg_ctl's -m: immediate, the default, or fast)
# initdb refuses to run as root, so as root the server runs as `postgres`
# (DIR is handed to that user); otherwise as the caller. The database
# `kanjian` is owned by the role `kanjian` (trust authentication on
# loopback only: this is a test server, never a production setup).
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?data directory}
if [[ $cmd == start ]]; then
  source "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
  apt_install_missing postgresql >&2
fi
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$bin/initdb" ]] || { echo "pg_cluster: PostgreSQL server not installed (apt postgresql)" >&2; exit 1; }
as_owner() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    port=${3:?port}
    mkdir -p "$dir"
    if [[ $EUID -eq 0 ]]; then
      chown postgres: "$dir"
      # postgres must reach DIR: open the parent for traversal (a mktemp -d
      # parent is 0700); further ancestors must already be traversable.
      chmod a+x "$(dirname "$dir")"
    fi
    if [[ ! -f "$dir/PG_VERSION" ]]; then
      as_owner "$bin/initdb" -D "$dir" -U kanjian -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 ||
        { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    # fsync off and no durable commit: a test server loses nothing that
    # matters when it crashes, and starts in well under a second.
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off \
          -c synchronous_commit=off -c max_connections=200" >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U kanjian -d postgres -qAtc \
      "SELECT 1 FROM pg_database WHERE datname='kanjian'" | grep -q 1 ||
      as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U kanjian kanjian
    echo "postgresql://kanjian@127.0.0.1:$port/kanjian"
    ;;
  stop)
    [[ -f "$dir/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$dir" -m "${3:-immediate}" -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR [MODE]" >&2; exit 2 ;;
esac
