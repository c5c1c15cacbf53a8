#!/usr/bin/env bash
# Packs build/bench/vision_bench with the shared libraries it loads and the
# models it needs into one .tar.xz, so the same binary can be measured on a
# bigger x86-64 machine that has none of Debian's packages (we used it for the
# 16-core micro-batching numbers in docs/developers/vision/products_url_batching.md).
#
#   bench/pack_portable.sh OUT.tar.xz [MODELS_DIR]
#   # there:  tar xJf OUT.tar.xz -C dir && dir/run.sh --concurrency 1,4,16 ...
#
# glibc stays the host's (it is backward compatible). OpenCV's imgcodecs links
# GDAL, GDCM and OpenEXR, and core links GLX: with their dependencies they are
# ~140 MB, and no code path of the bench calls them (JPEG/PNG/WebP decoding
# only), so they are replaced by stubs that define the imported symbols as
# `return 0`. Everything else is the real library from this machine.
set -euo pipefail
out=$(realpath -m "$1")
models=${2:-$HOME/.cache/kanjian/models}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/bench/vision_bench
[[ -x $bin ]] || { echo "build vision_bench first (cmake --build build --target vision_bench)" >&2; exit 1; }
stubs=(libgdal.so.32 libgdcmMSFF.so.3.0 libgdcmDSED.so.3.0 libOpenEXR-3_1.so.30 libGLX.so.0)
glibc='^(libc|libm|libpthread|libdl|librt|libresolv)\.so|^ld-linux'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pkg/lib" "$work/pkg/models"

# Resolve the NEEDED closure ourselves: ldd would pull in the stubbed trees.
declare -A seen
queue=($(readelf -d "$bin" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'))
while ((${#queue[@]})); do
  name=${queue[-1]}; unset 'queue[-1]'
  [[ -n ${seen[$name]:-} || $name =~ $glibc ]] && continue
  seen[$name]=1
  [[ " ${stubs[*]} " == *" $name "* ]] && continue
  path=$(ldd "$bin" | awk -v n="$name" '$1==n {print $3}')
  [[ -n $path ]] || path=$(/sbin/ldconfig -p | awk -v n="$name" '$1==n {print $NF; exit}')
  [[ -n $path ]] || { echo "cannot find $name" >&2; exit 1; }
  cp -L "$path" "$work/pkg/lib/$name"
  queue+=($(readelf -d "$path" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'))
done

# Symbols the kept libraries import and nobody kept defines: the stubbed ones.
sysdefs=$(ldd "$bin" | awk '$1 ~ /^(libc|libm|libresolv)\.so/ {print $3} $1 ~ /ld-linux/ {print $1}')
comm -23 \
  <(for f in "$work"/pkg/lib/* "$bin"; do nm -D --undefined-only "$f" | awk '$1=="U" {print $2}'; done | sed 's/@.*//' | sort -u) \
  <(for f in "$work"/pkg/lib/* $sysdefs; do nm -D --defined-only "$f" | awk '{print $3}'; done | sed 's/@.*//' | sort -u) \
  > "$work/missing"
{ echo .text; while read -r s; do printf '.globl %s\n.type %s,@function\n%s: xor %%eax,%%eax; ret\n' "$s" "$s" "$s"; done < "$work/missing"; } > "$work/stub.s"
gcc -shared -nostdlib -Wl,-soname,${stubs[0]} -o "$work/pkg/lib/${stubs[0]}" "$work/stub.s"
: > "$work/empty.s"
for s in "${stubs[@]:1}"; do gcc -shared -nostdlib -Wl,-soname,$s -o "$work/pkg/lib/$s" "$work/empty.s"; done

cp "$bin" "$work/pkg/"
cp /usr/share/darknet/data/dog.jpg "$work/pkg/"
# The engine loads the detector, the face model and the OCR set at start;
# the product embedder is optional and left out to keep the pack small.
cp "$models"/yolov5s.onnx "$models"/fr_detect.onnx "$work/pkg/models/"
cp -r "$models"/ocr "$work/pkg/models/"
cat > "$work/pkg/run.sh" <<'EOF'
#!/bin/sh
d=$(cd "$(dirname "$0")" && pwd)
exec /lib64/ld-linux-x86-64.so.2 --inhibit-cache --library-path "$d/lib" "$d/vision_bench" \
  --models "$d/models" --image "$d/dog.jpg" "$@"
EOF
chmod +x "$work/pkg/run.sh"
tar cf - -C "$work/pkg" . | xz -T0 -6 > "$out"
echo "$out: $(stat -c %s "$out") bytes, $(ls "$work/pkg/lib" | wc -l) libraries, $(wc -l < "$work/missing") stubbed symbols"
