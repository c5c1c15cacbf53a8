#!/usr/bin/env bash
# Black-box suite: installs the pinned SDK from package-lock.json (npm's cache
# first, so it works offline once the cache is warm) and runs every
# *.test.js with node's built-in runner. Each file starts its own server on a
# free port with its own database, so files share nothing but the CPU: the
# files that measure time, memory or load, or kill processes, run alone
# (SOLO below); the others run KANJIAN_BLACKBOX_JOBS at a time (default 2).
#   KANJIAN_BIN     server binary (default <repo>/build/kanjian)
#   KANJIAN_MODELS  models dir passed through to the server
#   KANJIAN_NPM_CI=1   always reinstall with `npm ci` (otherwise only when
#                      node_modules is missing or does not match the lock)
#   KANJIAN_KEEP_TMP=1 keeps temp dirs (DB, serve logs) for debugging
# Arguments: a subset of the files (default: every *.test.js).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [[ -n "${KANJIAN_NPM_CI:-}" || ! -d node_modules/tencentcloud-sdk-nodejs ]] || ! npm ls --silent >/dev/null 2>&1; then
  npm ci --prefer-offline --no-audit --no-fund
fi
if [[ $# -gt 0 ]]; then files=("$@"); else files=(*.test.js); fi
SOLO=" hostile.test.js crash.test.js shutdown.test.js reload.test.js reload_memory.test.js qps.test.js
       abandon.test.js redis.test.js cluster.test.js cluster_pg.test.js cluster_rolling.test.js truncated.test.js
       slowread.test.js "
shared=() solo=()
for f in "${files[@]}"; do
  if [[ $SOLO == *" $f "* ]]; then solo+=("$f"); else shared+=("$f"); fi
done
# Files run as separate `node --test` processes, KANJIAN_BLACKBOX_JOBS at a
# time (Debian 12's Node 18 has no --test-concurrency); each file's report
# is printed whole when it ends.
logs=$(mktemp -d /tmp/kanjian-blackbox-XXXXXX)
trap 'rm -rf "$logs"' EXIT
run_files() {  # JOBS FILE…
  local jobs=$1; shift
  printf '%s\0' "$@" | xargs -0 -P "$jobs" -I{} bash -c '
    node --test --test-reporter=spec "$1" >"$2/$1.log" 2>&1; echo $? >"$2/$1.rc"; cat "$2/$1.log"' _ {} "$logs"
}
((${#shared[@]} == 0)) || run_files "${KANJIAN_BLACKBOX_JOBS:-2}" "${shared[@]}"
((${#solo[@]} == 0)) || run_files 1 "${solo[@]}"
rc=0 failed=()
for f in "${shared[@]}" "${solo[@]}"; do
  [[ $(cat "$logs/$f.rc" 2>/dev/null) == 0 ]] || { rc=1; failed+=("$f"); }
done
((rc == 0)) || echo "black-box: failed: ${failed[*]}" >&2
exit "$rc"
