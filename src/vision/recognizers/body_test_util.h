// Helpers for the body/face/registry tests: the bundled model set.
#pragma once

#include <string>

#include "vision/registry/model_registry.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision::testing {

inline std::string FaceModelPath() {
  return ModelsDir() + "/fr_detect.onnx";
}
inline std::string EmbedModelPath() {
  return ModelsDir() + "/yolov5s_embed.onnx";
}

// darknet person.jpg: a woman, a dog and a horse (640x424).
inline std::string PersonImage() {
  return DarknetImage("person.jpg");
}

// skimage astronaut.png (512x512): Eileen Collins, one face.
inline std::string AstronautImage() {
  if (const char* cache = std::getenv("KANJIAN_CACHE"); cache && *cache)
    return std::string(cache) + "/testdata/astronaut.png";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : "") + "/.cache/kanjian/testdata/astronaut.png";
}

inline const ModelSpec& BundledTask(const ModelsConfig& c, const char* task) {
  return *c.Find(task);
}

}  // namespace kanjian::vision::testing
