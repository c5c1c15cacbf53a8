#!/usr/bin/env bash
# The test command (README, .ci/run). On every run it installs what the tests
# read or run (Debian packages, the SDK from npm, test photos), builds every
# test target, and runs, printing each stage's time at the end:
#   ctest                the GoogleTest unit tests (PostgreSQL suites start
#                        their own throwaway server, scripts/pg_cluster.sh)
#   asan                 the same under ASan + UBSan (build-asan/)
#   tsan                 the concurrent parts' tests under ThreadSanitizer
#                        (build-tsan/)
#   fuzz                 a short run of each libFuzzer harness (build-fuzz/)
#   blackbox             the real binary driven by the official Tencent Cloud
#                        Node.js SDKs, on SQLite
#   blackbox-pg          a subset of it again on PostgreSQL
#   eval                 the labelled evaluation: fails when an accuracy
#                        figure drops below tests/eval/thresholds.json
#   int8                 the INT8 models made again byte for byte, their boxes
#                        against FP32's on held-out photos, and the
#                        evaluation once more on the FP32 models
#   package              the Debian package built, linted, installed, serving
#                        a signed call as user kanjian, removed (as root)
#   monitoring           the alert rules checked by promtool; a real
#                        Prometheus scrapes a server; every panel has data
#   tidy                 clang-tidy over src/ (.clang-tidy; files unchanged
#                        since a clean check are skipped, scripts/tidy.py)
#   docs                 every relative link and #anchor in README.md and
#                        docs/ resolves; the README's quick start runs
# The sanitizer and fuzz trees compile in the background (niced) while the
# unit and black-box tests run, and clang-tidy runs beside them; the
# ThreadSanitizer tree compiles while the later stages run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/apt.sh
source scripts/lib/stages.sh

TEST_PACKAGES=(
  libgtest-dev libgmock-dev libbenchmark-dev libcpp-httplib-dev  # unit tests, benchmarks
  clang-format             # the C++ tree stays formatted (scripts/format.sh --check)
  clang-tidy               # bugprone, performance and concurrency checks (scripts/tidy.py)
  clang libclang-rt-14-dev # libFuzzer harnesses (fuzz/run.sh)
  darknet                  # real photos: dog.jpg, eagle.jpg, person.jpg, …
  opencv-doc               # held-out evaluation photos (tests/eval/heldout.json)
  python3-numpy python3-pil  # tests/eval/body_vest_set.py renders the vest evaluation set
  postgresql               # the PostgreSQL store's tests (scripts/pg_cluster.sh)
  redis-server haproxy socat jq  # shared QPS limits and scripts/cluster.sh, and their tests
  chromium fonts-wqy-microhei    # console browser tests (puppeteer-core drives Debian's Chromium)
  sqlite3                  # the operator console test breaks an invariant behind the server
  wrk                      # bench/signed_rps.sh
  dpkg-dev binutils lintian systemd adduser procps util-linux  # the Debian package's test
  prometheus               # promtool and a real Prometheus scraping a server
)

stage setup scripts/setup.sh
stage packages apt_install_missing "${TEST_PACKAGES[@]}"
stage format scripts/format.sh --check
stage lint-js scripts/lint_js.sh
stage testdata scripts/fetch_testdata.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
stage build-tests bash -c 'cmake -S . -B build >/dev/null && cmake --build build -j"$(nproc)"'
stage_bg build-asan-fuzz bash -c 'scripts/test_sanitizers.sh --build-only && fuzz/run.sh --build-only'
stage_bg tidy scripts/tidy.py
stage npm bash -c 'cd tests/blackbox && { npm ls --silent >/dev/null 2>&1 || npm ci --prefer-offline --no-audit --no-fund; }'

# Under the test command nothing may be skipped for want of a model or photo.
export KANJIAN_REQUIRE_TEST_DATA=1
stage ctest ctest --test-dir build --output-on-failure -j2
stage blackbox tests/blackbox/run.sh
stage_wait build-asan-fuzz
stage_bg build-tsan scripts/test_tsan.sh --build-only
# KANJIAN_SANITIZE_TESTS=0 skips the sanitizer run for a quicker local run (CI never sets it).
[[ "${KANJIAN_SANITIZE_TESTS:-1}" == 0 ]] || stage asan scripts/test_sanitizers.sh
stage fuzz fuzz/run.sh 12   # nine libFuzzer harnesses, 12 s each; fuzz/README.md
stage blackbox-pg scripts/blackbox_pg.sh
stage eval node tests/eval/eval.js
stage int8 scripts/test_int8.sh
stage monitoring scripts/test_monitoring.sh
stage package scripts/test_package.sh
stage_wait build-tsan
stage tsan scripts/test_tsan.sh
stage_wait tidy
stage docs scripts/check_links.sh   # the quick start itself runs with the black-box files (quickstart.test.js)
