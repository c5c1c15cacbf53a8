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
# Extra arguments go to `node --test` (e.g. a subset of files).
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
rc=0
if ((${#shared[@]})); then
  node --test --test-concurrency="${KANJIAN_BLACKBOX_JOBS:-2}" --test-reporter=spec "${shared[@]}" || rc=1
fi
if ((${#solo[@]})); then
  node --test --test-concurrency=1 --test-reporter=spec "${solo[@]}" || rc=1
fi
exit "$rc"
