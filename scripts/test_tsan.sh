#!/usr/bin/env bash
# The concurrent parts' unit tests built with ThreadSanitizer (CMake option
# KANJIAN_TSAN: -O1, frame pointers) into build-tsan/, and run there: the
# usage meter's group commit and the stores under concurrent writers and
# double spends, the inference pool, the detector's micro-batcher and the
# vision engine's shared session, the HTTP front (its I/O threads and
# handler pools) and the rate limiters. Every report fails the run
# (halt_on_error). scripts/test.sh builds the tree in the background and
# runs this after the ASan stage.
#   scripts/test_tsan.sh [ctest args…]
#   scripts/test_tsan.sh --build-only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DKANJIAN_TSAN=ON >/dev/null
cmake --build build-tsan -j"$(nproc)" --target billing_test store_test vision_test product_test http_tsan_test
[[ "${1:-}" == --build-only ]] && exit 0

# ASLR with the high-entropy mmap layout of newer kernels breaks TSan's
# shadow mapping ("unexpected memory mapping"): run without randomisation.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/scripts/sanitizers/tsan.supp"
concurrent="UsageMeter|Attribution|DoubleSpend|SqliteBackup|Concurrent|InferencePool|DetectBatcher|HttpServer|RateLimiter"
setarch "$(uname -m)" -R ctest --test-dir build-tsan --output-on-failure -j2 -R "$concurrent" \
  -E 'DetectPetIsIdenticalWithBatching' "$@"
