#!/usr/bin/env bash
# Lints the web console's JavaScript (console/): `prettier --check` (print
# width 100) and eslint's recommended rules, with the versions pinned in
# tools/js/package-lock.json. The tools are installed into
# tools/js/node_modules with `npm ci` from npm's cache first, and only when
# missing or not matching the lock file.
#   scripts/lint_js.sh          check (the test command's `lint-js` stage)
#   scripts/lint_js.sh --fix    reformat with prettier and apply eslint's fixes
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tools=tools/js
if [[ ! -x $tools/node_modules/.bin/eslint || ! -x $tools/node_modules/.bin/prettier ]] ||
  ! (cd "$tools" && npm ls --silent >/dev/null 2>&1); then
  (cd "$tools" && npm ci --prefer-offline --no-audit --no-fund)
fi
shopt -s globstar nullglob
files=(console/*.js console/**/*.js)
mapfile -t files < <(printf '%s\n' "${files[@]}" | sort -u)
prettier=("$tools/node_modules/.bin/prettier" --config "$tools/prettier.config.json")
eslint=("$tools/node_modules/.bin/eslint" --config "$tools/eslint.config.mjs" --max-warnings 0)
if [[ "${1:-}" == "--fix" ]]; then
  "${prettier[@]}" --write --log-level warn "${files[@]}"
  "${eslint[@]}" --fix "${files[@]}"
else
  "${prettier[@]}" --check --log-level warn "${files[@]}"
  "${eslint[@]}" "${files[@]}"
fi
echo "lint-js: ${#files[@]} files formatted and lint-free"
