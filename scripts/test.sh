#!/usr/bin/env bash
# The test command (README, .ci/run): installs and builds what is missing,
# then runs the unit tests (ctest), the same under ASan + UBSan, a short run of each fuzzing harness
# (fuzz/run.sh), the black-box suite, which starts the real binary and drives
# it with the official Tencent Cloud Node.js SDK, and the labelled evaluation
# (tests/eval), which fails when a metric falls below its minimum in
# tests/eval/thresholds.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
scripts/format.sh --check   # the C++ tree stays clang-formatted (.clang-format)
scripts/fetch_testdata.sh
# Under the test command nothing may be skipped for want of a model or photo.
export KANJIAN_REQUIRE_TEST_DATA=1
# ctest includes the PostgreSQL suites (store_pg_test, store_contract_test,
# billing_pg_race_test): each starts its own server through
# scripts/pg_cluster.sh (postgresql from setup.sh), or uses $KANJIAN_TEST_PG.
ctest --test-dir build --output-on-failure -j2
# The unit tests of common, protocol, store, billing and the inference pool
# again under ASan + UBSan (build-asan/); KANJIAN_SANITIZE_TESTS=0 skips it
# for a quicker local run (CI never sets it).
[[ "${KANJIAN_SANITIZE_TESTS:-1}" != 0 ]] && scripts/test_sanitizers.sh
fuzz/run.sh 12            # nine libFuzzer harnesses, 12 s each after a clang build (~4 min in all); fuzz/README.md
tests/blackbox/run.sh
# A subset of the black-box files again on PostgreSQL (billing, the billing
# API, the operator console, kill -9): scripts/blackbox_pg.sh starts and
# stops its own server through scripts/pg_cluster.sh (25 tests; 244 s on the
# shared 2-core VM at load average 9).
scripts/blackbox_pg.sh
node tests/eval/eval.js   # uses the SDK that run.sh installed; ~1 min on 2 cores
