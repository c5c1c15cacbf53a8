#!/usr/bin/env bash
# Fetches the console's one third-party file, ECharts, from its pinned npm
# tarball (checksum-verified, cached like the models) and extracts
# dist/echarts.min.js to $CACHE/console/echarts.min.js, which `kanjian serve`
# serves as /console/vendor/echarts.min.js. Nothing is fetched at run time.
# Idempotent: a second run touches no network.
set -euo pipefail

CACHE="${KANJIAN_CACHE:-$HOME/.cache/kanjian}"
source "$(dirname "${BASH_SOURCE[0]}")/lib/npm_tarball.sh"
ECHARTS_VER=5.6.0
ECHARTS_SHA512='sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA=='
DEST="$CACHE/console/echarts.min.js"

log() { printf 'fetch_console_assets: %s\n' "$*"; }
die() { printf 'fetch_console_assets: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ -f $DEST && -f $DEST.version && $(cat "$DEST.version") == "$ECHARTS_VER" ]]; then
  log "have $DEST ($ECHARTS_VER)"
  exit 0
fi
mkdir -p "$CACHE/console"
tgz=$(npm_tarball echarts "$ECHARTS_VER" "$ECHARTS_SHA512") || die "could not fetch echarts@$ECHARTS_VER"
tar -xzf "$tgz" -O package/dist/echarts.min.js >"$DEST.tmp"
mv "$DEST.tmp" "$DEST"
echo "$ECHARTS_VER" >"$DEST.version"
log "extracted echarts $ECHARTS_VER -> $DEST (Apache-2.0)"
