#!/usr/bin/env bash
# Builds an OCI image of the Debian package without any image registry:
# a Debian 12 root from mmdebstrap (Debian's mirror, the one network it
# needs) with dist/kanjian_<version>_amd64.deb installed, packed with umoci
# into dist/kanjian_<version>_oci.tar (an OCI archive: `podman run
# oci-archive:dist/kanjian_<version>_oci.tar`). The image runs as user
# kanjian, keeps its database and key in the volume /var/lib/kanjian and
# listens on 0.0.0.0:8080.
#   KANJIAN_DEB (default: the newest dist/kanjian_*_amd64.deb), KANJIAN_MIRROR
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MIRROR=${KANJIAN_MIRROR:-http://deb.debian.org/debian}
deb=${KANJIAN_DEB:-$(ls -t "$ROOT"/dist/kanjian_*_amd64.deb 2>/dev/null | head -1)}
die() { printf 'oci_image: ERROR: %s\n' "$*" >&2; exit 1; }
[[ -f $deb ]] || die "no package: run scripts/package.sh first"
for tool in mmdebstrap umoci; do command -v $tool >/dev/null || die "missing $tool (apt install $tool)"; done
deb=$(realpath "$deb")
version=$(dpkg-deb -f "$deb" Version)
out=$ROOT/dist/kanjian_${version}_oci.tar

work=$(mktemp -d "${TMPDIR:-/tmp}/kanjian-oci.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The package's dependencies from the mirror, then the package itself with
# dpkg inside the root (its postinst makes the kanjian user); apt's lists
# and caches are dropped.
depends=$(dpkg-deb -f "$deb" Depends | sed -E 's/\([^)]*\)//g; s/ //g')
mmdebstrap --variant=apt --include="$depends" \
  --customize-hook="copy-in $deb /tmp" \
  --customize-hook="chroot \"\$1\" dpkg -i /tmp/$(basename "$deb")" \
  --customize-hook='rm -rf "$1"/tmp/*.deb "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  bookworm "$work/rootfs.tar" \
  "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" \
  "deb http://deb.debian.org/debian-security bookworm-security main"

umoci init --layout "$work/oci"
umoci new --image "$work/oci:kanjian"
umoci unpack --image "$work/oci:kanjian" "$work/bundle"
tar -C "$work/bundle/rootfs" --numeric-owner -xf "$work/rootfs.tar"
umoci repack --image "$work/oci:kanjian" "$work/bundle"
umoci config --image "$work/oci:kanjian" --config.user=kanjian \
  --config.workingdir=/var/lib/kanjian --config.env=HOME=/var/lib/kanjian \
  --config.volume=/var/lib/kanjian --config.exposedports=8080/tcp \
  --config.entrypoint=/usr/bin/kanjian \
  --config.cmd=--db --config.cmd=/var/lib/kanjian/kanjian.db --config.cmd=serve \
  --config.cmd=--listen --config.cmd=0.0.0.0:8080 \
  --author="Kanjian maintainers" --created="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
umoci gc --layout "$work/oci"
tar -C "$work/oci" -cf "$out" .
printf 'oci_image: %s (%s)\n' "$out" "$(du -h "$out" | cut -f1)" >&2
printf '%s\n' "$out"
