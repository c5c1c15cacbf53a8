#!/usr/bin/env bash
# Several `kanjian serve` nodes on one machine behind HAProxy, sharing one
# database and one Redis (their QPS limits hold for the cluster).
#   scripts/cluster.sh start DIR [--nodes N] [--port P] [--db URI|FILE] [-- SERVE ARGS…]
#   scripts/cluster.sh stop DIR
#   scripts/cluster.sh status DIR        (HAProxy's view of each node)
#   scripts/cluster.sh restart-node DIR I  (start node I again after it died)
# Layout in DIR: redis.sock, haproxy.cfg (stats on PORT+1),
# node-I.log / node-I.pid, and kanjian.db unless --db names a database.
# HAProxy: balance leastconn, /healthz checks every second, and maxconn per
# node = its inference workers, so overload queues at the balancer (where
# `timeout queue` bounds the wait) instead of inside a node. The same layout
# across machines: README "Scale-out".
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${KANJIAN_BIN:-$repo/build/kanjian}
cmd=${1:?start|stop|status|restart-node}; dir=${2:?cluster directory}; shift 2
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)

node_port() { echo $(( $(cat "$dir/base_port") + $1 )); }

start_node() {  # I
  local i=$1
  # shellcheck disable=SC2046
  nohup "$bin" --db "$(cat "$dir/db")" serve --listen "127.0.0.1:$(node_port "$i")" \
    --redis "unix://$dir/redis.sock" --cluster-nodes "$(cat "$dir/nodes")" \
    --workers "$(cat "$dir/workers")" $(cat "$dir/serve_args") >>"$dir/node-$i.log" 2>&1 &
  echo $! >"$dir/node-$i.pid"
}

wait_healthy() {  # PORT
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "cluster: nothing healthy on port $1" >&2; return 1
}

case "$cmd" in
  start)
    nodes=2; port=8080; db="$dir/kanjian.db"; workers=1; serve_args=()
    while (($#)); do
      case "$1" in
        --nodes) nodes=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --db) db=$2; shift 2 ;;
        --workers) workers=$2; shift 2 ;;
        --) shift; serve_args=("$@"); break ;;
        *) echo "cluster: unknown option $1" >&2; exit 2 ;;
      esac
    done
    echo "$nodes" >"$dir/nodes"; echo "$db" >"$dir/db"; echo "$workers" >"$dir/workers"
    echo "${serve_args[*]:-}" >"$dir/serve_args"; echo $((port + 100)) >"$dir/base_port"
    redis-server --port 0 --unixsocket "$dir/redis.sock" --save "" --appendonly no \
      --dir "$dir" --logfile redis.log --daemonize yes --pidfile "$dir/redis.pid"
    # The database's schema and master key are made once, before the nodes
    # race for them.
    "$bin" --db "$db" catalog show >/dev/null
    for i in $(seq 1 "$nodes"); do start_node "$i"; done
    for i in $(seq 1 "$nodes"); do wait_healthy "$(node_port "$i")"; done
    {
      echo "global"
      echo "  pidfile $dir/haproxy.pid"
      echo "defaults"
      echo "  mode http"
      echo "  timeout connect 2s"
      echo "  timeout client 60s"
      echo "  timeout server 60s"
      echo "  timeout queue 10s"
      # A node that refuses the connection (it died): the request never reached
      # it, so retry it on another node at once. Nothing else is retried: a
      # request a node may have run is never sent twice (it could bill twice).
      echo "  retries 3"
      echo "  retry-on conn-failure"
      echo "  option redispatch 1"
      echo "listen stats"      # HAProxy's own view, CSV at /stats;csv (cluster.sh status)
      echo "  bind 127.0.0.1:$((port + 1))"
      echo "  stats enable"
      echo "  stats uri /stats"
      echo "frontend api"
      echo "  bind 127.0.0.1:$port"
      echo "  default_backend nodes"
      echo "backend nodes"
      echo "  balance leastconn"
      echo "  option httpchk GET /healthz"
      # A connection error marks the node down at once, not after 2 checks.
      echo "  default-server inter 1s fall 2 rise 1 observe layer4 error-limit 1 on-error mark-down"
      for i in $(seq 1 "$nodes"); do
        echo "  server node$i 127.0.0.1:$(node_port "$i") check maxconn $workers"
      done
    } >"$dir/haproxy.cfg"
    haproxy -f "$dir/haproxy.cfg" -D
    wait_healthy "$port"
    echo "cluster: $nodes nodes behind http://127.0.0.1:$port (db $db)"
    ;;
  stop)
    for f in "$dir"/node-*.pid "$dir/haproxy.pid" "$dir/redis.pid"; do
      [[ -f "$f" ]] || continue
      kill "$(cat "$f")" 2>/dev/null || true
      rm -f "$f"
    done
    ;;
  status)
    port=$(( $(cat "$dir/base_port") - 100 + 1 ))
    curl -fsS "http://127.0.0.1:$port/stats;csv" | awk -F, '$1=="nodes" && $2!="BACKEND" {print $2, $18}'

    ;;
  restart-node)
    start_node "${1:?node number}"
    wait_healthy "$(node_port "$1")"
    ;;
  *) echo "usage: see the header of $0" >&2; exit 2 ;;
esac
