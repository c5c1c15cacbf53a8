// What a models config says about one model (registry/models_config.h parses
// it; the loaders in models/ take it). Plain data, no loading.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vision/runtime/image_tensor.h"

namespace kanjian::vision {

// One task's model.
struct ModelSpec {
  std::string task;  // e.g. "face_detector"
  std::string path;  // resolved absolute path of the ONNX (or head JSON) file
  // "fp32", or "int8": `path` is then the quantized twin of the configured
  // file (X.onnx -> X.int8.onnx, made by scripts/make_int8_models.sh).
  std::string precision = "fp32";
  InputSpec input;
  std::vector<std::string> labels;
  std::string decode;  // output decoding kind, see TaskDecodes() in models_config.cc
  nlohmann::json raw;  // the whole entry: task-specific extras (thresholds…)
};

// How one body attribute (e.g. 安全帽识别) is judged.
struct AttributeSpec {
  std::string name;     // the API attribute name
  std::string method;   // "builtin" | "onnx" | "head"
  std::string builtin;  // for "builtin": the method's name (models/attribute_builtin.h)
  std::string region;   // crop fed to onnx/head: "full" | "head" | "upper" | "lower"
  ModelSpec model;      // for "onnx" (ONNX file) and "head" (trained head JSON)
};

}  // namespace kanjian::vision
