#!/usr/bin/env bash
# Signed requests/s per node on a path that needs the signature, the key
# lookup and an account read but no inference: the billing API's
# DescribeAccountBalance, on a SQLite store and on a PostgreSQL store, against
# GET /healthz (no signature, no store) of the same server in the same run.
# The load comes from wrk (Debian) with one TC3-signed request
# (build/bench/sign_request): the server verifies it on every request; without
# --replay-protection, the default, a signature is good for its 5-minute
# window (each run is signed anew). Every answer is checked ("failed").
#   bench/signed_rps.sh [--seconds S] [--connections C] [--threads T]
# Needs build/kanjian, build/bench/sign_request (or $KANJIAN, $SIGN_REQUEST:
# another build to compare), wrk; PostgreSQL as in
# bench/pg_billing_bench.sh (durable: fsync and synchronous_commit on).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=10 connections=32 threads=2
while (($#)); do
  case "$1" in
    --seconds) seconds=$2 ;;
    --connections) connections=$2 ;;
    --threads) threads=$2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift 2
done
kanjian=${KANJIAN:-build/kanjian} sign_request=${SIGN_REQUEST:-build/bench/sign_request}
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/apt.sh"
apt_install_missing wrk
dir=$(mktemp -d /tmp/kanjian-signed-XXXXXX)
export KANJIAN_MASTER_KEY=$(openssl rand -hex 32)
serve_pid=""
cleanup() {
  [[ -n "$serve_pid" ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  [[ -d "$dir/pg" ]] && bench/pg_durable.sh stop "$dir/pg"
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cat >"$dir/healthz.lua" <<'LUA'
failures = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body) if status ~= 200 then failures = failures + 1 end end
function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + t:get("failures") end
  io.write(string.format('{"requests":%d,"seconds":%.2f,"rps":%.0f,"failed":%d,'
    .. '"p50_ms":%.2f,"p99_ms":%.2f}\n', summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6), failed, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000))
end
LUA

# run_store NAME DB: one server on DB, /healthz then DescribeAccountBalance.
run_store() {
  local name=$1 db=$2 port
  port=$(free_port)
  local made
  made=$("$kanjian" --db "$db" --json account create "bench-$name")
  local sid skey
  sid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["SecretId"])' <<<"$made")
  skey=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["SecretKey"])' <<<"$made")
  "$kanjian" --db "$db" serve --listen "127.0.0.1:$port" --workers 1 --billing-api-qps 100000 \
    2>"$dir/serve-$name.log" &
  serve_pid=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  "$sign_request" "$sid" "$skey" DescribeAccountBalance 2018-07-09 '{}' >"$dir/balance.lua"
  # One call first: the answer must be a balance (and warms the caches).
  wrk -t1 -c1 -d1s -s "$dir/balance.lua" "http://127.0.0.1:$port/" >/dev/null
  local h b
  h=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$dir/healthz.lua" \
    "http://127.0.0.1:$port/healthz" | tail -1)
  b=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" -s "$dir/balance.lua" \
    "http://127.0.0.1:$port/" | tail -1)
  echo "{\"store\":\"$name\",\"path\":\"GET /healthz\",\"result\":$h}"
  echo "{\"store\":\"$name\",\"path\":\"DescribeAccountBalance\",\"result\":$b}"
  kill "$serve_pid"
  wait "$serve_pid" 2>/dev/null || true
  serve_pid=""
}

echo "{\"machine\":\"$(nproc) cores\",\"load_average_start\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"seconds\":$seconds,\"connections\":$connections,\"wrk_threads\":$threads}"
run_store sqlite "$dir/kanjian.db"
uri=$(bench/pg_durable.sh start "$dir/pg" "$(free_port)")
run_store postgresql "$uri"
echo "{\"load_average_end\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
