# Sourced: builds the `kanjian` target of an earlier commit, once.
#   release_binary COMMIT   → prints the binary's path
# The binary is cached in ${KANJIAN_CACHE:-~/.cache/kanjian}/releases/COMMIT/kanjian,
# outside the repository; a missing one is built from a temporary git
# worktree of COMMIT (ccache, keyed on paths relative to the checkout, reuses
# what today's build already compiled). Used by the upgrade fixtures
# (tests/fixtures/make_*_fixture.sh) and the rolling upgrade test.
release_binary() {
  local commit repo cache tmp start
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  commit=$(git -C "$repo" rev-parse --verify "${1:?commit}^{commit}")
  cache=${KANJIAN_CACHE:-$HOME/.cache/kanjian}/releases/$commit
  if [[ ! -x $cache/kanjian ]]; then
    tmp=$(mktemp -d /tmp/kanjian-release-XXXXXX)
    git -C "$repo" worktree add --detach "$tmp/src" "$commit" >/dev/null 2>&1
    start=$SECONDS
    if (export CCACHE_BASEDIR="$tmp/src" CCACHE_NOHASHDIR=1 &&
      cmake -S "$tmp/src" -B "$tmp/src/build" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
      cmake --build "$tmp/src/build" -j"${KANJIAN_JOBS:-2}" --target kanjian >"$tmp/build.log" 2>&1); then
      mkdir -p "$cache"
      cp "$tmp/src/build/kanjian" "$cache/kanjian.partial" && mv "$cache/kanjian.partial" "$cache/kanjian"
      echo "release_binary: built kanjian at $commit in $((SECONDS - start)) s" >&2
    fi
    [[ -x $cache/kanjian ]] || tail -n 30 "$tmp/build.log" >&2
    git -C "$repo" worktree remove --force "$tmp/src" >/dev/null 2>&1 || true
    rm -rf "$tmp"
    [[ -x $cache/kanjian ]] || { echo "release_binary: building $commit failed" >&2; return 1; }
  fi
  echo "$cache/kanjian"
}
