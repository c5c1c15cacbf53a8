// The models configuration: which ONNX file serves each task, how an image
// becomes its input tensor and how its output is decoded — from a JSON file
// (`serve --models-config FILE`) or the bundled set. Parsed and validated
// here; nothing is loaded (model_set.h loads). The contract per task is
// documented in config/models.example.json and docs/developers/vision/bodies_registry.md.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "vision/runtime/model_spec.h"

namespace kanjian::vision {

struct ModelsConfig {
  std::string source;      // the config file, or "(bundled)"
  std::string models_dir;  // relative "file"s resolve against it
  std::map<std::string, ModelSpec> tasks;
  std::map<std::string, AttributeSpec> attributes;
  // nullptr when the task is not configured.
  const ModelSpec* Find(std::string_view task) const;
};

// The bundled set, as a config document with files relative to models_dir.
nlohmann::json BundledModelsConfig();

// Validates everything that can be checked without loading: known tasks and
// decode kinds, known attribute names and labels, files present. Errors name
// the config file, the entry and the model file.
Result<ModelsConfig> ParseModelsConfig(const nlohmann::json& doc, const std::string& models_dir,
                                       const std::string& source);
// `file` empty → the bundled set. `models_dir` is the default for relative
// paths (a "models_dir" key in the file overrides it).
Result<ModelsConfig> LoadModelsConfig(const std::string& file, const std::string& models_dir);

// "models config FILE, ENTRY": the prefix of every configuration error.
std::string ModelsConfigWhere(const std::string& source, const std::string& entry);

}  // namespace kanjian::vision
