#!/usr/bin/env bash
# Billed-call write throughput on PostgreSQL against SQLite in one run
# (bench/billing_bench's pg phase). Starts a throwaway PostgreSQL with
# scripts/pg_cluster.sh, made durable like SQLite's synchronous=FULL
# (fsync, full_page_writes, synchronous_commit on), and stops it after.
#   bench/pg_billing_bench.sh [--calls N]   (default 100000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
calls=100000
[[ "${1:-}" == "--calls" ]] && calls=$2
dir=$(mktemp -d /tmp/kanjian-pgbench-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
trap 'scripts/pg_cluster.sh stop "$dir/data"; rm -rf "$dir"' EXIT
uri=$(scripts/pg_cluster.sh start "$dir/data" "$port")
psql_as() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
psql_as "$bin/psql" "$uri" -qAt -c "ALTER SYSTEM SET fsync = on" -c "ALTER SYSTEM SET full_page_writes = on" \
  -c "ALTER SYSTEM SET synchronous_commit = on" -c "SELECT pg_reload_conf()" >/dev/null
echo "{\"load_average\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"postgresql\":\"fsync on, synchronous_commit on, loopback TCP\"}"
build/bench/billing_bench --phase pg --calls "$calls" --pg "$uri"
