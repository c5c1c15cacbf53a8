#!/usr/bin/env bash
# Real photos for tests that Debian ships inside packages we do not want to
# install (python3-skimage would pull in scipy and matplotlib): download the
# pinned .deb, verify its SHA-256, extract only the images. Idempotent; a
# second run touches no network.
#   $CACHE/testdata/chelsea.png   a cat (scikit-image sample data, CC0 per its README)
set -euo pipefail
CACHE="${KANJIAN_CACHE:-$HOME/.cache/kanjian}"
DEB_NAME=python3-skimage
DEB_VERSION=0.19.3-8
DEB_SHA256=728d88c3e3440f1f3712de0805dc834d29248ff07e1eec8c0f3da07606f752f9
IMAGES=(chelsea.png coffee.png astronaut.png)

out="$CACHE/testdata"
stamp="$out/.${DEB_NAME}_${DEB_VERSION}"
[[ -f $stamp ]] && exit 0
mkdir -p "$CACHE/deb" "$out"
deb="$CACHE/deb/${DEB_NAME}_${DEB_VERSION}_all.deb"
if [[ ! -f $deb ]]; then
  echo "fetch_testdata: apt-get download $DEB_NAME=$DEB_VERSION"
  tmp=$(mktemp -d)
  chmod 777 "$tmp"  # apt's _apt user downloads into it
  (cd "$tmp" && { apt-get download -qq "$DEB_NAME=$DEB_VERSION" 2>/dev/null ||
                   { apt-get update -qq && apt-get download -qq "$DEB_NAME=$DEB_VERSION"; }; })
  mv "$tmp"/*.deb "$deb"
  rm -rf "$tmp"
fi
got=$(sha256sum "$deb" | cut -d' ' -f1)
if [[ $got != "$DEB_SHA256" ]]; then
  echo "fetch_testdata: checksum mismatch for $deb: want $DEB_SHA256 got $got" >&2
  exit 1
fi
tmp=$(mktemp -d)
dpkg-deb -x "$deb" "$tmp"
for img in "${IMAGES[@]}"; do
  cp "$tmp/usr/lib/python3/dist-packages/skimage/data/$img" "$out/$img"
done
rm -rf "$tmp"
touch "$stamp"
echo "fetch_testdata: extracted ${IMAGES[*]} into $out"
