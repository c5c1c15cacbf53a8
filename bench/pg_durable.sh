#!/usr/bin/env bash
# A throwaway PostgreSQL made durable like SQLite's synchronous=FULL, for
# the benchmarks: scripts/pg_cluster.sh makes it (fsync off, for tests), then
# it is restarted with fsync, full_page_writes and synchronous_commit on.
# (ALTER SYSTEM cannot do it: the -c options pg_cluster.sh starts the server
# with take precedence over postgresql.auto.conf.)
#   bench/pg_durable.sh start DIR PORT   → prints the libpq URI on stdout
#   bench/pg_durable.sh stop DIR
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cmd=${1:?start|stop}; dir=${2:?data directory}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    port=${3:?port}
    uri=$(scripts/pg_cluster.sh start "$dir" "$port")
    as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 -m fast restart \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c full_page_writes=on \
          -c synchronous_commit=on -c max_connections=200" >/dev/null
    settings=$(as_owner "$bin/psql" "$uri" -qAt -c "SELECT string_agg(name || '=' || setting, ' ')
      FROM pg_settings WHERE name IN ('fsync','synchronous_commit','full_page_writes')")
    [[ "$settings" == *"fsync=on"* && "$settings" == *"synchronous_commit=on"* ]] ||
      { echo "pg_durable: server is not durable: $settings" >&2; exit 1; }
    echo "$uri"
    ;;
  stop) scripts/pg_cluster.sh stop "$dir" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
