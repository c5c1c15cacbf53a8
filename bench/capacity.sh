#!/usr/bin/env bash
# Capacity an operator can size a cluster with: bench/e2e/capacity.js drives
# the real server (build/kanjian, SQLite) with a mix of the eight actions at
# rising offered rates, with the INT8 and the FP32 models; this script keeps
# its JSON lines, draws latency against offered load (gnuplot, Debian), and
# prints the highest rate held (no error, p99 <= 1 s) per core and a sizing
# table: cores and 16-core nodes for 100, 1,000 and 10,000 images/s.
#   bench/capacity.sh [--out DIR] [capacity.js flags…] [-- serve flags…]
# DIR (default /tmp/kanjian-capacity) gets capacity.jsonl, capacity.png and
# sizing.md. The sizing assumes a node's capacity grows with its cores as
# measured here per core, and that HAProxy spreads calls evenly
# (bench/cluster_scale.sh measures how nodes add up).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/apt.sh
apt_install_missing gnuplot-nox
out=/tmp/kanjian-capacity
if [[ ${1:-} == --out ]]; then out=$2; shift 2; fi
mkdir -p "$out"
cores=$(nproc)
{
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($cores cores);" \
    "flags: $(grep -o -w -E 'avx2|avx512f|avx512_vnni|avx_vnni|amx_int8' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt" >&2
KANJIAN_BIN=${KANJIAN_BIN:-$PWD/build/kanjian} node bench/e2e/capacity.js "$@" | tee "$out/capacity.jsonl"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt" >&2

# One data file per precision: offered rate, p50, p99 (ms).
for p in int8 fp32; do
  jq -r --arg p "$p" 'select(.bench == "capacity" and .precision == $p)
    | [.offered_per_s, .p50_ms, .p99_ms] | @tsv' "$out/capacity.jsonl" >"$out/$p.tsv"
done
gnuplot <<GP
set terminal pngcairo size 900,540 font "sans,11" noenhanced
set output "$out/capacity.png"
set title "Kanjian, one node: latency against offered load (mix of the eight actions)\n$(head -1 "$out/machine.txt" | sed 's/"/\\"/g')"
set xlabel "offered calls/s"
set ylabel "latency (ms)"
set logscale y
set key top left
set grid
set arrow from graph 0, first 1000 to graph 1, first 1000 nohead dashtype 2 lc rgb "#999999"
plot "$out/int8.tsv" using 1:3 with linespoints lw 2 title "INT8 p99", \
     "$out/int8.tsv" using 1:2 with linespoints dashtype 3 title "INT8 p50", \
     "$out/fp32.tsv" using 1:3 with linespoints lw 2 title "FP32 p99", \
     "$out/fp32.tsv" using 1:2 with linespoints dashtype 3 title "FP32 p50"
GP

held=$(tail -1 "$out/capacity.jsonl")
python3 - "$cores" "$held" >"$out/sizing.md" <<'PY'
import json, math, sys
cores, held = int(sys.argv[1]), json.loads(sys.argv[2])["held"]
print(f"| precision | held on {cores} cores (calls/s) | per core | cores for 100/s | 1,000/s | 10,000/s | 16-core nodes for 100/s | 1,000/s | 10,000/s |")
print("|---|---|---|---|---|---|---|---|---|")
for p, rate in held.items():
    if rate <= 0:
        print(f"| {p} | none held | | | | | | | |")
        continue
    per_core = rate / cores
    need = [math.ceil(t / per_core) for t in (100, 1000, 10000)]
    nodes = [math.ceil(n / 16) for n in need]
    print(f"| {p} | {rate:g} | {per_core:.2f} | " + " | ".join(f"{n:,}" for n in need + nodes) + " |")
PY
cat "$out/sizing.md"
echo "capacity: $out/capacity.png, $out/sizing.md" >&2
