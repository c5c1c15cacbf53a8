#!/usr/bin/env bash
# What a fresh machine's build costs: the `kanjian` target (what
# scripts/setup.sh builds) compiled from nothing, ccache off, once per
# file and once as a unity build (CMake joins each target's sources in
# batches, so the standard library, nlohmann/json, spdlog and Boost headers
# are parsed once per batch instead of once per file). Same machine, one
# after the other; prints the CPU and each wall time with the ratio.
#   bench/build_time.sh [BUILD_TYPE]   (default Release, as setup.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
type=${1:-Release}
jobs=$(nproc)
grep -m1 'model name' /proc/cpuinfo
echo "cores: $jobs, build type: $type, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A wall
for unity in OFF ON; do
  dir=$(mktemp -d "${TMPDIR:-/tmp}/kanjian-build-time.XXXXXX")
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DCMAKE_UNITY_BUILD=$unity >/dev/null
  t0=$(date +%s.%N)
  CCACHE_DISABLE=1 cmake --build "$dir" -j"$jobs" --target kanjian >/dev/null
  wall[$unity]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
  printf 'unity %-3s  %6.1f s\n' "$unity" "${wall[$unity]}"
  rm -rf "$dir"
done
awk -v a="${wall[OFF]}" -v b="${wall[ON]}" 'BEGIN { printf "per file / unity: %.2fx\n", a / b }'
