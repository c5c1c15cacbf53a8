#!/usr/bin/env bash
# Makes the INT8 twins of the FP32 models in the models cache:
#   yolov5s.onnx -> yolov5s.int8.onnx, yolov5s_dyn.onnx -> yolov5s_dyn.int8.onnx,
#   yolov5s_embed.onnx -> yolov5s_embed.int8.onnx
# (a models config entry with "precision": "int8" serves the twin). Each is
# calibrated with `kanjian model calibrate` on the photos of
# scripts/int8/calibration_photos.txt and rewritten by scripts/int8/qdq.py
# (docs/developers/int8.md). Deterministic; idempotent: a twin is remade only
# when its stamp (the hashes of everything it is made from) changes.
# Needs build/kanjian (or $KANJIAN_BIN) and Debian's python3-onnx.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
CACHE="${KANJIAN_CACHE:-$HOME/.cache/kanjian}"
MODELS="${KANJIAN_MODELS:-$CACHE/models}"
KANJIAN="${KANJIAN_BIN:-$ROOT/build/kanjian}"
PYTHON=/usr/bin/python3  # Debian's, where python3-onnx is
PHOTOS="$CACHE/photos/calibration"

log() { echo "make_int8_models: $*"; }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

[[ -x $KANJIAN ]] || { echo "make_int8_models: build $KANJIAN first" >&2; exit 1; }
"$PYTHON" -c 'import onnx' 2>/dev/null ||
  { echo "make_int8_models: needs Debian's python3-onnx" >&2; exit 1; }

"$HERE/int8/fetch_photos.sh" "$HERE/int8/calibration_photos.txt" "$PHOTOS"
mapfile -t photos < <(grep -v '^#' "$HERE/int8/calibration_photos.txt" |
                      awk 'NF == 3 { n = split($3, p, "/"); print p[n] }')
photos=("${photos[@]/#/$PHOTOS/}")

# What a twin depends on besides its FP32 file: the rewrite, the photos, the
# calibration code and the runtime that runs it.
tool_hash=$(cat "$HERE/int8/qdq.py" "$HERE/int8/calibration_photos.txt" \
                "$ROOT/src/vision/quantize/calibration.cc" "$ROOT/src/vision/runtime/image_tensor.cc" |
            sha256sum | cut -d' ' -f1)
ort_lib=$(ldd "$KANJIAN" | awk '/libonnxruntime/ && !seen { print $3; seen = 1 }')
[[ -n $ort_lib ]] && tool_hash="$tool_hash ort=$(sha256_of "$ort_lib")"

# make_one TASK FP32 INT8 CONFIG [QDQ_FLAG...]: the task of the models config
# says how a photo becomes the input tensor; the flags go to both qdq.py steps.
make_one() {
  local task=$1 fp32=$2 int8=$3 config=$4
  local flags=("${@:5}")
  [[ -f $fp32 ]] || { echo "make_int8_models: missing $fp32 (scripts/fetch_models.sh)" >&2; exit 1; }
  local want="fp32=$(sha256_of "$fp32") tools=$tool_hash flags=${flags[*]}"
  if [[ -f $int8 && -f $int8.stamp && $(cat "$int8.stamp") == "$want int8=$(sha256_of "$int8")" ]]; then
    log "have $int8"
    return
  fi
  local work
  work=$(mktemp -d)
  log "calibrate $fp32 on ${#photos[@]} photos"
  "$PYTHON" "$HERE/int8/qdq.py" augment "${flags[@]}" "$fp32" "$work/augmented.onnx"
  "$KANJIAN" model --models "$MODELS" --models-config "$config" calibrate \
    --task "$task" --model "$work/augmented.onnx" --output "$work/ranges.json" "${photos[@]}" >/dev/null
  "$PYTHON" "$HERE/int8/qdq.py" rewrite "${flags[@]}" "$fp32" "$work/ranges.json" "$work/int8.onnx"
  mv "$work/int8.onnx" "$int8"
  rm -rf "$work"
  printf '%s int8=%s' "$want" "$(sha256_of "$int8")" >"$int8.stamp"
  log "wrote $int8"
}

# The FP32 files with the input each is served with: the dynamic detector
# sees each photo at its own aspect ("stride"), the square one a 640x640
# letterbox. Explicit, so that a bundled set that serves the INT8 twins does
# not need them to exist before they are made.
configs=$(mktemp -d)
trap 'rm -rf "$configs"' EXIT
input='"input": {"width": 640, "height": 640, "channels": "RGB", "layout": "NCHW",
                 "scale": 0.00392156862745098, "resize": "letterbox", "pad": 114}'
cat >"$configs/dyn.json" <<JSON
{"tasks": {
  "object_detector": {"file": "yolov5s_dyn.onnx", "decode": "yolov5", "labels": "coco80",
                      "letterbox": "stride", $input},
  "embedder": {"file": "yolov5s_embed.onnx", "decode": "embedding",
               "input": {"width": 256, "height": 256, "channels": "RGB", "layout": "NCHW",
                         "scale": 0.00392156862745098, "resize": "letterbox", "pad": 114}}}}
JSON
cat >"$configs/square.json" <<JSON
{"tasks": {"object_detector": {"file": "yolov5s.onnx", "decode": "yolov5", "labels": "coco80", $input},
           "embedder": null}}
JSON

start=$SECONDS
# The detectors' Detect-head convs are quantized too; their decode stays FP32.
make_one object_detector "$MODELS/yolov5s_dyn.onnx" "$MODELS/yolov5s_dyn.int8.onnx" "$configs/dyn.json" \
  --quantize-head
make_one object_detector "$MODELS/yolov5s.onnx" "$MODELS/yolov5s.int8.onnx" "$configs/square.json" \
  --quantize-head
make_one embedder "$MODELS/yolov5s_embed.onnx" "$MODELS/yolov5s_embed.int8.onnx" "$configs/dyn.json"
log "done in $((SECONDS - start)) s"
