#!/usr/bin/env bash
# Throughput of 1, 2 and 4 `kanjian serve` nodes behind HAProxy
# (scripts/cluster.sh: PostgreSQL, Redis, HAProxy leastconn, maxconn per node
# = its workers), one run of each in this script, so the ratios compare like
# with like: signed DetectPet calls (dog.jpg halved to 384×288) from wrk
# (build/bench/sign_request signs one request; replay protection is off by
# default, so it stays valid for the run), every answer checked (200 and no
# Error), each call billed. The baseline is the 1-node cluster of the same run.
# On one machine the nodes share its cores: beyond the core count more nodes
# add no inference capacity; on a machine with more cores (or several
# machines, docs/operators/scale-out.md) the same script shows how far it scales.
#   bench/cluster_scale.sh [--seconds S] [--connections C] [--nodes "1 2 4"]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=15 connections=8 node_counts="1 2 4"
while (($#)); do
  case "$1" in
    --seconds) seconds=$2 ;;
    --connections) connections=$2 ;;
    --nodes) node_counts=$2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
  shift 2
done
sign_request=${SIGN_REQUEST:-build/bench/sign_request}
image=${KANJIAN_BENCH_IMAGE:-/usr/share/darknet/data/dog.jpg}
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/apt.sh"
apt_install_missing wrk
# The cluster's PostgreSQL runs as `postgres` when we are root: its
# directory must be reachable by that user (not under a 0700 mktemp dir).
dir=$(mktemp -d /tmp/kanjian-scale-XXXXXX)
chmod 755 "$dir"
running=""
cleanup() {
  [[ -n "$running" ]] && scripts/cluster.sh stop "$running" >/dev/null 2>&1
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# dog.jpg halved to 384×288 (PIL from setup.sh): its base64 must fit in one
# argument of sign_request (the kernel caps one at 128 KiB).
body=$(/usr/bin/python3 -c '
import base64, io, json, sys
from PIL import Image
im = Image.open(sys.argv[1]); im = im.resize((im.width // 2, im.height // 2))
out = io.BytesIO(); im.save(out, "JPEG", quality=90)
print(json.dumps({"ImageBase64": base64.b64encode(out.getvalue()).decode()}))' "$image")

echo "{\"machine\":\"$(nproc) cores\",\"load_average\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"seconds\":$seconds,\"connections\":$connections}"
base=""
for n in $node_counts; do
  cluster="$dir/c$n"
  port=$(free_port)
  scripts/cluster.sh start "$cluster" --nodes "$n" --port "$port" --workers 1 \
    -- --qps DetectPet=100000 >"$dir/start-$n.log" 2>&1
  running=$cluster
  eval "$(scripts/cluster.sh env "$cluster")"
  made=$(build/kanjian --json account create "scale-$n")
  sid=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["SecretId"])' <<<"$made")
  skey=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["SecretKey"])' <<<"$made")
  build/kanjian account activate "scale-$n" >/dev/null
  # The signed request, with checks: any answer but 200 without an Error
  # counts as failed (the first one is printed).
  "$sign_request" "$sid" "$skey" DetectPet 2019-05-29 "$body" >"$dir/run.lua"
  # Warm every node (first inference loads the model's kernels).
  wrk -t1 -c"$((n * 2))" -d3s -s "$dir/run.lua" "http://127.0.0.1:$port/" >/dev/null
  r=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 30s -s "$dir/run.lua" \
    "http://127.0.0.1:$port/" | tail -1)
  rps=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["rps"])' <<<"$r")
  failed=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["failed"])' <<<"$r")
  ((failed == 0)) || { echo "cluster_scale: $failed calls failed with $n nodes: $r" >&2; exit 1; }
  [[ -z "$base" ]] && base=$rps
  ratio=$(python3 -c "print(f'{$rps / $base:.2f}')")
  echo "{\"nodes\":$n,\"result\":$r,\"vs_1_node\":$ratio}"
  scripts/cluster.sh stop "$cluster" >/dev/null 2>&1
  running=""
done
