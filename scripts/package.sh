#!/usr/bin/env bash
# Builds dist/kanjian_<version>_amd64.deb from a built tree (build/kanjian)
# and the cache that scripts/setup.sh fills (ONNX Runtime, models, ECharts):
#   /usr/bin/kanjian                 RUNPATH /usr/lib/kanjian (set by cmake --install)
#   /usr/lib/kanjian/                libonnxruntime.so.1, private
#   /usr/share/kanjian/{models,console}
#   /etc/kanjian/kanjian.toml        conffile
#   /lib/systemd/system/kanjian.service
# Depends comes from dpkg-shlibdeps. The version is CMakeLists.txt's
# project(... VERSION). Prints the package's path on its last line.
#   KANJIAN_BUILD_DIR (default build), KANJIAN_CACHE, KANJIAN_DIST (default dist)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${KANJIAN_BUILD_DIR:-$ROOT/build}
CACHE=${KANJIAN_CACHE:-$HOME/.cache/kanjian}
DIST=${KANJIAN_DIST:-$ROOT/dist}
DEB_SRC=$ROOT/deploy/debian
MODELS=$CACHE/models
# The bundled model set (src/vision/registry/models_config.cc) and the OCR models.
MODEL_FILES=(yolov5s_dyn.onnx yolov5s_embed.onnx fr_detect.onnx
             yolov5s_dyn.int8.onnx yolov5s_embed.int8.onnx)  # the INT8 twins it serves

log() { printf 'package: %s\n' "$*" >&2; }
die() { printf 'package: ERROR: %s\n' "$*" >&2; exit 1; }

version=$(sed -n 's/^project(kanjian VERSION \([0-9][0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
[[ -n $version ]] || die "no project(kanjian VERSION x.y.z) in CMakeLists.txt"
[[ -x $BUILD/kanjian ]] || die "no $BUILD/kanjian: cmake --build build --target kanjian"
[[ -f $CACHE/onnxruntime/lib/libonnxruntime.so ]] || die "no ONNX Runtime in $CACHE (scripts/fetch_models.sh)"
[[ -f $CACHE/console/echarts.min.js ]] || die "no ECharts in $CACHE (scripts/fetch_console_assets.sh)"
for f in "${MODEL_FILES[@]}" ocr; do
  [[ -e $MODELS/$f ]] || die "no $MODELS/$f (scripts/fetch_models.sh, scripts/make_int8_models.sh)"
done
ort_tgz=$(ls "$CACHE"/npm/com.github.asus4.onnxruntime-*.tgz 2>/dev/null | head -1)
[[ -n $ort_tgz ]] || die "no ONNX Runtime npm tarball in $CACHE/npm (its third-party notices ship in the package)"

work=$(mktemp -d "${TMPDIR:-/tmp}/kanjian-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
pkg=$work/debian/kanjian
doc=$pkg/usr/share/doc/kanjian
umask 022

# The binary, stripped, with its install RUNPATH.
cmake --install "$BUILD" --component kanjian --prefix "$pkg/usr" --strip >/dev/null
runpath=$(objdump -p "$pkg/usr/bin/kanjian" | awk '$1 == "RUNPATH" {print $2}')
[[ $runpath == /usr/lib/kanjian ]] || die "installed binary has RUNPATH '$runpath', want /usr/lib/kanjian"
install -D -m 0644 "$CACHE/onnxruntime/lib/libonnxruntime.so" "$pkg/usr/lib/kanjian/libonnxruntime.so.1"

install -d "$pkg/usr/share/kanjian/models/ocr"
for f in "${MODEL_FILES[@]}"; do install -m 0644 "$MODELS/$f" "$pkg/usr/share/kanjian/models/"; done
install -m 0644 "$MODELS"/ocr/* "$pkg/usr/share/kanjian/models/ocr/"

# The console: HTML, ES modules and CSS as in the checkout, ECharts beside them.
(cd "$ROOT/console" && find . -type f \( -name '*.html' -o -name '*.js' -o -name '*.css' \) -print0 |
  xargs -0 -I{} install -D -m 0644 {} "$pkg/usr/share/kanjian/console/{}")
install -D -m 0644 "$CACHE/console/echarts.min.js" "$pkg/usr/share/kanjian/console/vendor/echarts.min.js"

install -D -m 0644 "$DEB_SRC/kanjian.toml" "$pkg/etc/kanjian/kanjian.toml"
install -D -m 0644 "$DEB_SRC/kanjian.service" "$pkg/lib/systemd/system/kanjian.service"

install -D -m 0644 "$DEB_SRC/copyright" "$doc/copyright"
install -d "$pkg/usr/share/man/man1"
gzip -9n <"$DEB_SRC/kanjian.1" >"$pkg/usr/share/man/man1/kanjian.1.gz"
chmod 0644 "$pkg/usr/share/man/man1/kanjian.1.gz"
install -D -m 0644 "$DEB_SRC/lintian-overrides" "$pkg/usr/share/lintian/overrides/kanjian"
install -m 0644 "$DEB_SRC/README.Debian" "$doc/README.Debian"
tar -xzf "$ort_tgz" -O package/ThirdPartyNotices.txt | gzip -9n >"$doc/onnxruntime-ThirdPartyNotices.txt.gz"
chmod 0644 "$doc/onnxruntime-ThirdPartyNotices.txt.gz"
# A native package's changelog, dated by the last commit (reproducible).
date=$(git -C "$ROOT" log -1 --format=%cD 2>/dev/null || date -R)
printf 'kanjian (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- Kanjian maintainers <kanjian@example.org>  %s\n' \
  "$version" "$version" "$date" | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

# Depends: what the binary and ONNX Runtime link, from dpkg-shlibdeps (which
# wants a debian/control beside the package tree), plus adduser (postinst) and procps (kill, for ExecReload).
mkdir -p "$pkg/DEBIAN"
printf 'Source: kanjian\n\nPackage: kanjian\nArchitecture: amd64\n' >"$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -e"debian/kanjian/usr/bin/kanjian" \
  -e"debian/kanjian/usr/lib/kanjian/libonnxruntime.so.1" 2>"$work/shlibdeps.err") ||
  { cat "$work/shlibdeps.err" >&2; die "dpkg-shlibdeps failed"; }
depends=$(sed -n 's/^shlibs:Depends=//p' <<<"$shlibs")
[[ -n $depends ]] || die "dpkg-shlibdeps found no dependencies"

for script in postinst prerm postrm; do install -m 0755 "$DEB_SRC/$script" "$pkg/DEBIAN/$script"; done
echo /etc/kanjian/kanjian.toml >"$pkg/DEBIAN/conffiles"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
  xargs -0 md5sum >DEBIAN/md5sums)
installed_kb=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: kanjian
Version: $version
Architecture: amd64
Maintainer: Kanjian maintainers <kanjian@example.org>
Installed-Size: $installed_kb
Depends: adduser, procps, $depends
Section: net
Priority: optional
Description: self-hosted image recognition API compatible with Tencent Cloud
 Kanjian serves eight image-recognition actions of the Tencent Cloud API 3.0
 (tiia) on ONNX Runtime, meters and bills each call exact to the fen, and
 ships a web console for tenants and operators. This package holds the
 kanjian command, a private ONNX Runtime, the bundled models and console,
 and a hardened systemd service (kanjian.service) that keeps its SQLite
 database and master key in /var/lib/kanjian.
CONTROL

mkdir -p "$DIST"
out=$DIST/kanjian_${version}_amd64.deb
# gzip: xz takes minutes on the models (ONNX weights hardly compress) for a
# few MB less.
dpkg-deb --root-owner-group -Zgzip --build "$pkg" "$out" >/dev/null
log "built $out ($(du -h "$out" | cut -f1); installed ${installed_kb} KiB; Depends: adduser, $depends)"
printf '%s\n' "$out"
