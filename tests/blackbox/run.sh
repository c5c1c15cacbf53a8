#!/usr/bin/env bash
# Black-box suite: installs the pinned SDK from package-lock.json (npm's cache
# first, so it works offline once the cache is warm) and runs every
# *.test.js with node's built-in runner, one file at a time (each file starts
# its own server; running them serially keeps timing-sensitive tests honest).
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
exec node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
