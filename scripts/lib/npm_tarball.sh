# Sourced by the scripts that fetch pinned npm tarballs (models, ONNX
# Runtime, ECharts). Downloads with curl straight from the registry, so
# setup needs no Node.js; $KANJIAN_NPM_REGISTRY names a mirror (default
# https://registry.npmjs.org). Each tarball is cached under $CACHE/npm as
# `npm pack` names it and checked against the sha512 integrity the
# registry publishes.
#   npm_tarball NAME VERSION SHA512-INTEGRITY   prints the cached file's path
npm_tarball() {
  local name=$1 ver=$2 want=$3
  local base=${name#@}
  local tgz="$CACHE/npm/${base//\//-}-$ver.tgz"
  local registry=${KANJIAN_NPM_REGISTRY:-https://registry.npmjs.org}
  mkdir -p "$CACHE/npm"
  if [[ ! -f $tgz ]]; then
    printf 'npm_tarball: %s@%s -> %s\n' "$name" "$ver" "$tgz" >&2
    curl -fsSL --retry 3 -o "$tgz.part" "$registry/$name/-/${name##*/}-$ver.tgz" || {
      rm -f "$tgz.part"
      printf 'npm_tarball: ERROR: download of %s@%s failed\n' "$name" "$ver" >&2
      return 1
    }
    mv "$tgz.part" "$tgz"
  fi
  local got
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  if [[ $got != "$want" ]]; then
    printf 'npm_tarball: ERROR: checksum mismatch for %s\n  want %s\n  got  %s\n(delete the file to download it again, or fix the pin)\n' \
      "$tgz" "$want" "$got" >&2
    return 1
  fi
  printf '%s' "$tgz"
}
