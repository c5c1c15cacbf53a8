#!/usr/bin/env bash
# Installs what serving needs on Debian 12 and builds the server, build/kanjian.
# Idempotent: a second run installs and downloads nothing and rebuilds only
# what changed. The tests' packages and targets are the test command's
# (scripts/test.sh); the scale-out parts (PostgreSQL, Redis, HAProxy) are
# installed by the scripts that start them.
#   1. Debian packages (apt) the build needs: the compiler and the libraries
#      the server links; ONNX Runtime from its pinned, checksummed npm
#      tarball (scripts/fetch_models.sh --runtime-only)
#   2. CMake: the `kanjian` target only, into build/, in the background
#      (its log in build/setup-build.log) while, on this side:
#      - the rest of the packages: Debian's PyTorch and python3-onnx for the
#        one-time model conversions, Node.js when none is installed (the
#        quick start's SDK call)
#      - the models (scripts/fetch_models.sh) and ECharts for the console
#        (scripts/fetch_console_assets.sh), cached in
#        ${KANJIAN_CACHE:-~/.cache/kanjian}
#   3. the INT8 twins of the detector and embedder, calibrated with that
#      binary (scripts/make_int8_models.sh, docs/developers/int8.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/apt.sh

BUILD_PACKAGES=(
  build-essential cmake pkg-config ca-certificates curl ccache openssl
  libssl-dev libsqlite3-dev nlohmann-json3-dev libboost1.81-dev libcli11-dev libspdlog-dev
  libtomlplusplus-dev      # the config file (kanjian.toml)
  libopencv-imgcodecs-dev libopencv-imgproc-dev
  libjpeg62-turbo-dev libexif-dev   # JPEG decoding that sees truncation; EXIF orientation
  libcurl4-openssl-dev     # ImageUrl fetcher
  libargon2-dev            # console passwords (argon2id)
  libhiredis-dev           # shared QPS limits (serve --redis)
  libpq-dev                # the PostgreSQL store (the server itself is the operator's)
  zlib1g-dev libbrotli-dev # static files compressed once at load (gzip, br)
)
MODEL_PACKAGES=(
  python3 python3-torch    # one-time YOLOv5 checkpoint -> ONNX conversion
  python3-onnx             # the INT8 models' graph rewrite (scripts/int8/qdq.py)
)
# The quick start calls the server with the official Node.js SDK.
command -v node >/dev/null && command -v npm >/dev/null || MODEL_PACKAGES+=(nodejs npm)
apt_install_missing "${BUILD_PACKAGES[@]}"
scripts/fetch_models.sh --runtime-only

# ccache keys on paths relative to the checkout, so any clone on this
# machine reuses earlier compilations.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
BUILD_TYPE="${KANJIAN_BUILD_TYPE:-Release}"
cmake -S . -B build -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
build_log=build/setup-build.log
echo "setup: building build/kanjian in the background (log: $build_log)"
cmake --build build -j"$(nproc)" --target kanjian >"$build_log" 2>&1 &
build_pid=$!
# A failure on this side stops the build too.
trap 'kill "$build_pid" 2>/dev/null || true' EXIT

apt_install_missing "${MODEL_PACKAGES[@]}"
scripts/fetch_models.sh
scripts/fetch_console_assets.sh

if ! wait "$build_pid"; then
  tail -n 60 "$build_log" >&2
  echo "setup: the build failed (whole log: $build_log)" >&2
  exit 1
fi
trap - EXIT
scripts/make_int8_models.sh
echo "setup: built build/kanjian ($(build/kanjian --version 2>/dev/null || echo "version unknown"))"
