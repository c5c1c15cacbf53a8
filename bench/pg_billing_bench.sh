#!/usr/bin/env bash
# Billed-call write throughput on PostgreSQL against SQLite in one run
# (bench/billing_bench's pg phase). Starts a throwaway PostgreSQL made
# durable like SQLite's synchronous=FULL (bench/pg_durable.sh: fsync,
# full_page_writes, synchronous_commit on), and stops it after.
#   bench/pg_billing_bench.sh [--calls N]   (default 100000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
calls=100000
[[ "${1:-}" == "--calls" ]] && calls=$2
dir=$(mktemp -d /tmp/kanjian-pgbench-XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
trap 'bench/pg_durable.sh stop "$dir/data"; rm -rf "$dir"' EXIT
uri=$(bench/pg_durable.sh start "$dir/data" "$port")
echo "{\"load_average\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"postgresql\":\"fsync on, synchronous_commit on, loopback TCP\"}"
build/bench/billing_bench --phase pg --calls "$calls" --pg "$uri"
echo "{\"load_average_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
