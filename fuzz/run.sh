#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/*_fuzz.cc) with clang, ASan and UBSan
# into build-fuzz/ and runs each for SECONDS (default 20) on its committed
# seed corpus. New inputs go to a temporary directory (the first corpus
# directory), never into fuzz/corpus/. Any crash, sanitizer report, failed
# property, timeout or out-of-memory fails the script; the input is kept in
# build-fuzz/artifacts/HARNESS/ and the command to replay it is printed.
#   fuzz/run.sh [SECONDS] [HARNESS...]     e.g. fuzz/run.sh 3600 image_decode
#   fuzz/run.sh --build-only               (test.sh builds while other stages run)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/apt.sh
build_only=0
[[ "${1:-}" == --build-only ]] && build_only=1
SECONDS_EACH="${1:-20}"
shift || true

# clang and its compiler-rt (libFuzzer, sanitizers) only here: the main build stays gcc.
apt_install_missing clang libclang-rt-14-dev

export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S fuzz -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz -j"$(nproc)"
((build_only)) && exit 0

declare -A DICT=([tc3_authorization]=tc3 [tc3_verify]=tc3 [request_json]=json [catalog]=json
                 [image_decode]=image [money]=money [iso8601]=iso8601 [sign_v1]=sign_v1
                 [http_head]=http)
if (($#)); then harnesses=("$@"); else
  harnesses=(); for f in build-fuzz/*_fuzz; do harnesses+=("$(basename "${f%_fuzz}")"); done
fi

failed=()
for h in "${harnesses[@]}"; do
  work=$(mktemp -d "${TMPDIR:-/tmp}/kanjian-fuzz-$h.XXXXXX")
  artifacts="build-fuzz/artifacts/$h"
  mkdir -p "$artifacts"
  log="build-fuzz/$h.log"
  args=(-max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  [[ -f fuzz/dict/${DICT[$h]:-none}.dict ]] && args+=(-dict="fuzz/dict/${DICT[$h]}.dict")
  if "build-fuzz/${h}_fuzz" "${args[@]}" "$work" "fuzz/corpus/$h" >"$log" 2>&1; then
    # "#N DONE cov: C ft: F corp: K/S exec/s: E": the last status line, then the run's stats.
    printf 'fuzz: %-18s ok  %s  (%s new inputs)\n' "$h" \
      "$(grep -E '^#[0-9]+' "$log" | tail -1 | sed -E 's/ +/ /g')" "$(ls "$work" | wc -l)"
  else
    echo "fuzz: $h FAILED; log build-fuzz/$h.log; replay: build-fuzz/${h}_fuzz $artifacts/<file>"
    # The report, template arguments cut short.
    grep -E -A40 '^==[0-9]+==ERROR|fuzz property failed|runtime error|Timeout|out-of-memory' "$log" |
      grep -vE 'in (fuzzer::|__sanitizer|__libc|_start|main )' | cut -c1-200 | head -50
    failed+=("$h")
  fi
  rm -rf "$work"
done
if ((${#failed[@]})); then echo "fuzz: failed: ${failed[*]}"; exit 1; fi
echo "fuzz: ${#harnesses[@]} harnesses, ${SECONDS_EACH}s each, no crash"
