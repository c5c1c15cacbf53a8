#!/usr/bin/env bash
# A cluster on one machine: PostgreSQL, Redis, N `kanjian serve` nodes and
# HAProxy in front (docs/operators/scale-out.md).
#   scripts/cluster.sh start DIR [--nodes N] [--port P] [--workers W] [--db URI|FILE] [-- SERVE ARGS…]
#   scripts/cluster.sh stop DIR
#   scripts/cluster.sh status DIR          (HAProxy's view of each node)
#   scripts/cluster.sh env DIR             (export lines: KANJIAN_DB, KANJIAN_MASTER_KEY)
#   scripts/cluster.sh restart-node DIR I  (start node I again after it died)
#   scripts/cluster.sh restart-pg DIR      (restart the cluster's PostgreSQL)
#   scripts/cluster.sh reload DIR          (rolling model reload, one node at a time)
#   scripts/cluster.sh upgrade DIR BIN     (rolling upgrade: each node in turn drained,
#                                           stopped with SIGTERM, started from BIN)
# Without --db the cluster runs its own PostgreSQL (scripts/pg_cluster.sh,
# data in DIR/pg, port P+2; as root it runs as `postgres`, so DIR and its
# parents must be traversable by that user) and a master key minted into
# DIR/master.key (0600) unless KANJIAN_MASTER_KEY is set. --db names an
# existing database instead: a PostgreSQL URI, or a SQLite file (then every
# node must be on this machine).
# Layout in DIR: redis.sock, haproxy.cfg, haproxy.sock (admin), node-I.log /
# node-I.pid. HAProxy: balance leastconn, /healthz checks every second,
# maxconn per node = its inference workers, so overload queues at the
# balancer (where `timeout queue` bounds the wait) instead of inside a node;
# stats on P+1, nodes on P+101…. DIR/bin names the binary the nodes start
# from (KANJIAN_BIN or build/kanjian at start; BIN after an upgrade).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${KANJIAN_BIN:-$repo/build/kanjian}
cmd=${1:?start|stop|status|env|restart-node|restart-pg|reload}
dir=${2:?cluster directory}
shift 2
if [[ $cmd == start ]]; then
  source "$repo/scripts/lib/apt.sh"
  apt_install_missing redis-server haproxy socat jq
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

node_port() { echo $(($(cat "$dir/base_port") + $1)); }
pg_port() { echo $(($(cat "$dir/base_port") - 100 + 2)); }

# The nodes' master key: from DIR/master.key when the cluster made or was
# given one; otherwise (a SQLite file) the key file beside the database.
with_key() {
  if [[ -f "$dir/master.key" ]]; then
    KANJIAN_MASTER_KEY=$(cat "$dir/master.key") "$@"
  else
    "$@"
  fi
}

start_node() { # I
  local i=$1
  # The subshell becomes the node (exec), so node-I.pid is the node's pid.
  (
    if [[ -f "$dir/master.key" ]]; then export KANJIAN_MASTER_KEY=$(cat "$dir/master.key"); fi
    # shellcheck disable=SC2046
    exec nohup "$(cat "$dir/bin")" --db "$(cat "$dir/db")" serve --listen "127.0.0.1:$(node_port "$i")" \
      --redis "unix://$dir/redis.sock" --cluster-nodes "$(cat "$dir/nodes")" \
      --workers "$(cat "$dir/workers")" $(cat "$dir/serve_args") >>"$dir/node-$i.log" 2>&1
  ) &
  echo $! >"$dir/node-$i.pid"
}

wait_healthy() { # PORT
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "cluster: nothing healthy on port $1" >&2
  return 1
}

# One command on HAProxy's admin socket.
haproxy_cmd() { echo "$1" | socat stdio "unix-connect:$dir/haproxy.sock"; }

# Requests on node I now: its sessions and its queue at the balancer.
node_busy() { # I
  haproxy_cmd "show stat" | awk -F, -v s="node$1" '$1=="nodes" && $2==s {print $3 + $5}'
}

# HAProxy's status of node I: UP, DOWN, DRAIN, MAINT….
node_status() { # I
  haproxy_cmd "show stat" | awk -F, -v s="node$1" '$1=="nodes" && $2==s {print $18}'
}

# Waits for node I's requests at the balancer to end (it was drained).
wait_idle() { # I
  for _ in $(seq 1 600); do
    [[ $(node_busy "$1") == 0 ]] && return 0
    sleep 0.1
  done
}

# Replaces node I's process with one of DIR/bin: drained at the balancer,
# stopped with SIGTERM (it finishes and bills what it holds), started, and
# back in the balancer only once HAProxy's health check sees it up, so the
# next node is not drained while this one takes no traffic.
upgrade_node() { # I
  local i=$1 pid
  haproxy_cmd "set server nodes/node$i state drain" >/dev/null
  wait_idle "$i"
  pid=$(cat "$dir/node-$i.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "cluster: node $i did not stop within 60 s of SIGTERM, roll stopped" >&2
    return 1
  fi
  start_node "$i"
  wait_healthy "$(node_port "$i")"
  haproxy_cmd "set server nodes/node$i state ready" >/dev/null
  for _ in $(seq 1 300); do
    [[ $(node_status "$i") == UP ]] && break
    sleep 0.1
  done
  [[ $(node_status "$i") == UP ]] || { echo "cluster: node $i is not UP at the balancer" >&2; return 1; }
  echo "node$i $(curl -fsS "http://127.0.0.1:$(node_port "$i")/healthz" | jq -r '.Commit // "?"')"
}

model_hash() { # PORT → the set /healthz names
  curl -fsS "http://127.0.0.1:$1/healthz" | jq -r '.ModelSet.Hash // empty'
}

# Drain node I, reload its models, check /healthz names the set the reload
# installed, put it back. A reload that fails stops the roll: the node goes
# back with its old set, the nodes after it keep theirs.
reload_node() { # I
  local i=$1 port answer want
  port=$(node_port "$i")
  haproxy_cmd "set server nodes/node$i state drain" >/dev/null
  wait_idle "$i"
  if ! answer=$(curl -sS -X POST -H 'X-Kanjian-Admin: reload' --max-time 300 \
    -w '\n%{http_code}' "http://127.0.0.1:$port/admin/reload") ||
    [[ $(tail -n1 <<<"$answer") != 200 ]]; then
    haproxy_cmd "set server nodes/node$i state ready" >/dev/null
    echo "cluster: node $i refused the reload, roll stopped: $(head -n1 <<<"$answer")" >&2
    return 1
  fi
  want=$(head -n1 <<<"$answer" | jq -r .Hash)
  for _ in $(seq 1 600); do
    [[ $(model_hash "$port" 2>/dev/null) == "$want" ]] && break
    sleep 0.1
  done
  haproxy_cmd "set server nodes/node$i state ready" >/dev/null
  [[ $(model_hash "$port") == "$want" ]] || {
    echo "cluster: node $i does not report the reloaded set $want" >&2
    return 1
  }
  echo "node$i $want"
}

write_haproxy_cfg() { # PORT NODES WORKERS
  local port=$1 nodes=$2 workers=$3
  echo "global"
  echo "  pidfile $dir/haproxy.pid"
  # Drain / ready for rolling reloads; only the owner may use it.
  echo "  stats socket $dir/haproxy.sock mode 600 level admin"
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
  echo "listen stats" # HAProxy's own view, CSV at /stats;csv (cluster.sh status)
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
}

case "$cmd" in
  start)
    nodes=2
    port=8080
    db=""
    workers=1
    serve_args=()
    while (($#)); do
      case "$1" in
        --nodes) nodes=$2 && shift 2 ;;
        --port) port=$2 && shift 2 ;;
        --db) db=$2 && shift 2 ;;
        --workers) workers=$2 && shift 2 ;;
        --) shift && serve_args=("$@") && break ;;
        *) echo "cluster: unknown option $1" >&2 && exit 2 ;;
      esac
    done
    echo $((port + 100)) >"$dir/base_port"
    if [[ -z "$db" ]]; then
      # The cluster's own PostgreSQL; initdb refuses root, so it runs as postgres.
      if [[ $EUID -eq 0 ]] && ! runuser -u postgres -- test -x "$dir"; then
        echo "cluster: the postgres user cannot reach $dir (make it and its parents traversable)" >&2
        exit 1
      fi
      db=$("$repo/scripts/pg_cluster.sh" start "$dir/pg" "$(pg_port)")
      touch "$dir/own_pg"
    fi
    if [[ -n "${KANJIAN_MASTER_KEY:-}" ]]; then
      (umask 077 && echo "$KANJIAN_MASTER_KEY" >"$dir/master.key")
    elif [[ "$db" == postgres* && ! -f "$dir/master.key" ]]; then
      # A new key for a new database; back it up apart from the database.
      (umask 077 && openssl rand -hex 32 >"$dir/master.key")
    fi
    echo "$bin" >"$dir/bin"
    echo "$nodes" >"$dir/nodes"
    echo "$db" >"$dir/db"
    echo "$workers" >"$dir/workers"
    echo "${serve_args[*]:-}" >"$dir/serve_args"
    redis-server --port 0 --unixsocket "$dir/redis.sock" --save "" --appendonly no \
      --dir "$dir" --logfile redis.log --daemonize yes --pidfile "$dir/redis.pid"
    # The database's schema and master key are made once, before the nodes
    # race for them.
    with_key "$bin" --db "$db" catalog show >/dev/null
    for i in $(seq 1 "$nodes"); do start_node "$i"; done
    for i in $(seq 1 "$nodes"); do wait_healthy "$(node_port "$i")"; done
    write_haproxy_cfg "$port" "$nodes" "$workers" >"$dir/haproxy.cfg"
    haproxy -f "$dir/haproxy.cfg" -D
    wait_healthy "$port"
    echo "cluster: $nodes nodes behind http://127.0.0.1:$port (db $db)"
    ;;
  stop)
    pids=()
    for f in "$dir"/node-*.pid "$dir/haproxy.pid" "$dir/redis.pid"; do
      [[ -f "$f" ]] || continue
      pid=$(cat "$f")
      kill "$pid" 2>/dev/null && pids+=("$pid")
      rm -f "$f"
    done
    if [[ -f "$dir/own_pg" ]]; then
      # The nodes finish their requests (metered) before PostgreSQL goes.
      for pid in "${pids[@]}"; do
        for _ in $(seq 1 300); do
          kill -0 "$pid" 2>/dev/null || break
          sleep 0.1
        done
      done
      "$repo/scripts/pg_cluster.sh" stop "$dir/pg" fast
      rm -f "$dir/own_pg"
    fi
    ;;
  status)
    curl -fsS "http://127.0.0.1:$(($(cat "$dir/base_port") - 100 + 1))/stats;csv" |
      awk -F, '$1=="nodes" && $2!="BACKEND" {print $2, $18}'
    ;;
  env)
    echo "export KANJIAN_DB=$(printf %q "$(cat "$dir/db")")"
    [[ -f "$dir/master.key" ]] && echo "export KANJIAN_MASTER_KEY=$(cat "$dir/master.key")"
    ;;
  restart-node)
    start_node "${1:?node number}"
    wait_healthy "$(node_port "$1")"
    ;;
  restart-pg)
    [[ -f "$dir/own_pg" ]] || {
      echo "cluster: this cluster runs on --db $(cat "$dir/db"), not its own PostgreSQL" >&2
      exit 1
    }
    # A clean restart (fast shutdown: open transactions roll back, what was
    # committed stays); the nodes reconnect on their next statement.
    "$repo/scripts/pg_cluster.sh" stop "$dir/pg" fast
    "$repo/scripts/pg_cluster.sh" start "$dir/pg" "$(pg_port)" >/dev/null
    ;;
  upgrade)
    new=$(realpath "${1:?new kanjian binary}")
    [[ -x $new ]] || { echo "cluster: $new is not executable" >&2; exit 1; }
    echo "$new" >"$dir/bin"
    for i in $(seq 1 "$(cat "$dir/nodes")"); do upgrade_node "$i"; done
    ;;
  reload)
    for i in $(seq 1 "$(cat "$dir/nodes")"); do reload_node "$i"; done
    ;;
  *) echo "usage: see the header of $0" >&2 && exit 2 ;;
esac
