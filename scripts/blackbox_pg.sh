#!/usr/bin/env bash
# Black-box files on PostgreSQL: starts a throwaway server
# (scripts/pg_cluster.sh), runs tests/blackbox/run.sh with
# KANJIAN_BLACKBOX_PG (each sandbox then gets a fresh database instead of a
# SQLite file), stops the server. docs/operators/postgresql.md.
#   scripts/blackbox_pg.sh                 the subset scripts/test.sh runs
#   scripts/blackbox_pg.sh FILE.test.js…   those files
#   KANJIAN_BLACKBOX_PG=postgresql://…     use that server instead of starting one
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# The subset: the billing paths (CLI and billing API), the operator console,
# kill -9 under load, the PostgreSQL upgrade fixture and pg_dump/pg_restore
# under load (the whole suite runs on SQLite; the cluster tests start their
# own PostgreSQL there).
DEFAULT_FILES=(billing.test.js billing_api.test.js operator_console.test.js crash.test.js auth.test.js
  upgrade.test.js pg_backup.test.js alerts.test.js)
if [[ $# -gt 0 ]]; then files=("$@"); else files=("${DEFAULT_FILES[@]}"); fi
if [[ -z "${KANJIAN_BLACKBOX_PG:-}" ]]; then
  tmp=$(mktemp -d /tmp/kanjian-bbpg-XXXXXX)
  trap 'scripts/pg_cluster.sh stop "$tmp/data"; rm -rf "$tmp"' EXIT
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  KANJIAN_BLACKBOX_PG=$(scripts/pg_cluster.sh start "$tmp/data" "$port")
  export KANJIAN_BLACKBOX_PG
fi
echo "blackbox_pg: ${files[*]} on $KANJIAN_BLACKBOX_PG"
tests/blackbox/run.sh "${files[@]}"
