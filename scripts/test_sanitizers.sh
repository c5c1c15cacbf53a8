#!/usr/bin/env bash
# The unit tests (ctest) built a second time with AddressSanitizer and
# UndefinedBehaviorSanitizer (CMake option KANJIAN_SANITIZE: -O1, frame
# pointers, every UBSan finding fatal) into build-asan/, and run there:
# common, protocol, store (SQLite and PostgreSQL), auth, billing and the vision
# runtime's inference pool; KANJIAN_SANITIZE_ALL=1 adds the vision and server
# tests (about three times the build). scripts/test.sh runs it after the
# plain unit tests, so CI does. gcc and ccache as for build/; ONNX Runtime
# and the Debian libraries are used as shipped (not instrumented): reports
# come from our code and what it hands them.
#   scripts/test_sanitizers.sh [ctest args…]   e.g. -R InferencePool
#   scripts/test_sanitizers.sh --build-only     (test.sh builds while other stages run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
all=OFF; [[ "${KANJIAN_SANITIZE_ALL:-0}" != 0 ]] && all=ON
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DKANJIAN_SANITIZE=ON \
  -DKANJIAN_SANITIZE_ALL="$all" >/dev/null
cmake --build build-asan -j"$(nproc)"
[[ "${1:-}" == --build-only ]] && exit 0

# LeakSanitizer stays on; scripts/sanitizers/lsan.supp lists what is
# suppressed in libraries we do not build, and why.
export ASAN_OPTIONS="detect_leaks=1:check_initialization_order=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/scripts/sanitizers/lsan.supp:print_suppressions=0"
ctest --test-dir build-asan --output-on-failure -j2 "$@"
