// Helpers shared by the vision tests: where models and sample images live.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace kanjian::vision::testing {

// $KANJIAN_MODELS, else $HOME/.cache/kanjian/models (scripts/fetch_models.sh).
inline std::string ModelsDir() {
  if (const char* env = std::getenv("KANJIAN_MODELS"); env && *env) return env;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.cache/kanjian/models";
}

inline std::string DetectorPath() {
  return ModelsDir() + "/yolov5s.onnx";
}  // fixed 640x640
// The same weights with dynamic height and width (letterbox "stride").
inline std::string DynamicDetectorPath() {
  return ModelsDir() + "/yolov5s_dyn.onnx";
}
// Its INT8 twin (scripts/make_int8_models.sh), which the bundled set serves.
inline std::string DynamicDetectorInt8Path() {
  return ModelsDir() + "/yolov5s_dyn.int8.onnx";
}

// Sample photos from Debian's `darknet` package.
inline std::string DarknetImage(const std::string& name) {
  return "/usr/share/darknet/data/" + name;
}

// A cat photo: Chelsea from Debian's `python3-skimage` (451x300 PNG), which
// scripts/fetch_testdata.sh extracts into the cache; or $KANJIAN_CAT_IMAGE.
inline std::string CatImage() {
  if (const char* env = std::getenv("KANJIAN_CAT_IMAGE"); env && *env) return env;
  if (const char* cache = std::getenv("KANJIAN_CACHE"); cache && *cache)
    return std::string(cache) + "/testdata/chelsea.png";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + "/.cache/kanjian/testdata/chelsea.png";
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline bool Exists(const std::string& path) {
  return std::filesystem::exists(path);
}

}  // namespace kanjian::vision::testing

// Skips (with the reason) when a model or sample image is not installed —
// except under scripts/test.sh (KANJIAN_REQUIRE_TEST_DATA=1), where a
// missing file is a failure, so CI can never pass by skipping.
#define KANJIAN_REQUIRE_FILE(path)                                                     \
  do {                                                                                 \
    if (!::kanjian::vision::testing::Exists(path)) {                                   \
      if (std::getenv("KANJIAN_REQUIRE_TEST_DATA")) FAIL() << (path) << " is missing"; \
      GTEST_SKIP() << (path) << " is missing (run scripts/fetch_models.sh and "        \
                   << "scripts/fetch_testdata.sh; apt install darknet)";               \
    }                                                                                  \
  } while (0)
