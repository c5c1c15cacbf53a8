#!/usr/bin/env bash
# Test stage for the INT8 models (docs/developers/int8.md), after the build
# and scripts/make_int8_models.sh:
#   1. determinism: the twins are made again from the same FP32 files into a
#      scratch folder and must be byte for byte those in the models cache;
#   2. agreement gate: bench/int8_bench on held-out photos (never calibration
#      photos), FP32 vs INT8 boxes, dynamic and square detectors: recall of
#      FP32's boxes >= 0.90, of those at score >= 0.5 >= 0.95;
#   3. the evaluation with the FP32 models (tests/eval/models_precision_fp32.json),
#      every metric at its minimum (tests/eval/thresholds.json): the suite's
#      own run of tests/eval/eval.js serves the bundled set, whose detector
#      and embedder are INT8, so both precisions stay gated.
# KANJIAN_INT8_STAGES="determinism agreement eval" picks stages.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CACHE="${KANJIAN_CACHE:-$HOME/.cache/kanjian}"
MODELS="${KANJIAN_MODELS:-$CACHE/models}"
STAGES="${KANJIAN_INT8_STAGES:-determinism agreement eval}"
log() { echo "test_int8: $*"; }

if [[ $STAGES == *determinism* ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  for f in yolov5s.onnx yolov5s_dyn.onnx yolov5s_embed.onnx fr_detect.onnx; do
    ln -s "$MODELS/$f" "$scratch/$f"
  done
  KANJIAN_MODELS="$scratch" scripts/make_int8_models.sh >/dev/null
  for f in yolov5s yolov5s_dyn yolov5s_embed; do
    a=$(sha256sum "$MODELS/$f.int8.onnx" | cut -d' ' -f1)
    b=$(sha256sum "$scratch/$f.int8.onnx" | cut -d' ' -f1)
    if [[ $a != "$b" ]]; then
      echo "test_int8: FAIL $f.int8.onnx is not reproducible: $a (cache) vs $b (remade)" >&2
      exit 1
    fi
    log "$f.int8.onnx remade byte for byte ($a)"
  done
fi

if [[ $STAGES == *agreement* ]]; then
  photos="$CACHE/photos/agreement"
  scripts/int8/fetch_photos.sh bench/int8_agreement_photos.txt "$photos"
  build/bench/int8_bench --models "$MODELS" --photos "$photos" --photos tests/eval/images \
    --no-speed --gate
  build/bench/int8_bench --models "$MODELS" --photos "$photos" --photos tests/eval/images \
    --no-speed --gate --square
fi

if [[ $STAGES == *eval* ]]; then
  EVAL_MODELS_CONFIG="$ROOT/tests/eval/models_precision_fp32.json" node tests/eval/eval.js
fi
log "passed: $STAGES"
