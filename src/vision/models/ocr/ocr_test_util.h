// Shared by the OCR/vehicle/envelope tests: the OCR model dir and a loaded engine.
#pragma once

#include <memory>
#include <string>

#include "vision/models/ocr/ocr_engine.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision::testing {

inline std::string OcrDir() {
  return ModelsDir() + "/ocr";
}
inline std::string OcrRecPath() {
  return OcrDir() + "/ch_PP-OCRv4_rec_infer.onnx";
}

// Loaded once per test binary; nullptr if the models are missing.
inline const ocr::OcrEngine* SharedOcr() {
  static std::unique_ptr<ocr::OcrEngine> engine = [] {
    auto r = ocr::OcrEngine::Load({.models_dir = OcrDir()});
    return r.ok() ? std::move(r.value()) : nullptr;
  }();
  return engine.get();
}

// Repo root (for tests/eval images): $KANJIAN_SOURCE_DIR, else the build's source dir.
inline std::string RepoRoot() {
  if (const char* env = std::getenv("KANJIAN_SOURCE_DIR"); env && *env) return env;
  return KANJIAN_SOURCE_DIR;
}

}  // namespace kanjian::vision::testing
