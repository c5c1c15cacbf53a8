#include "vision/registry/models_config.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "common/error_codes.h"
#include "vision/models/attribute_builtin.h"
#include "vision/models/attribute_classifier.h"

namespace kanjian::vision {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Output decoding kinds each task accepts. ocr_det/ocr_rec (+ keys_file)
// name the PP-OCR files LoadModelSet hands the OCR engine; ocr_cls,
// vehicle_make, plate_detector and product_embedder are parsed and their
// files validated here, for loaders that read ModelsConfig::Find().
const std::map<std::string, std::set<std::string>>& TaskDecodes() {
  static const auto* k = new std::map<std::string, std::set<std::string>>{
      {"object_detector", {"yolov5"}},
      {"face_detector", {"ultraface"}},
      {"embedder", {"embedding"}},
      {"product_embedder", {"embedding"}},
      {"ocr_det", {"db"}},
      {"ocr_rec", {"ctc"}},
      {"ocr_cls", {"softmax", "probs"}},
      {"plate_detector", {"yolov5", "db"}},
      {"vehicle_make", {"softmax", "probs"}},
  };
  return *k;
}

std::string Where(const std::string& source, const std::string& entry) {
  return "models config " + source + ", " + entry;
}

std::string ExpandHome(const std::string& p) {
  if (p.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + p.substr(1);
  }
  return p;
}

std::string Resolve(const std::string& file, const std::string& dir) {
  fs::path p(ExpandHome(file));
  if (p.is_relative()) p = fs::path(dir) / p;
  return p.lexically_normal().string();
}

Status RequireFile(const std::string& path, const std::string& where) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    return Status(errc::kNotFound, where + ": model file not found: " + path);
  return Status::Ok();
}

Result<std::vector<std::string>> Labels(const json& entry, const std::string& where) {
  if (!entry.contains("labels")) return std::vector<std::string>{};
  const json& l = entry["labels"];
  if (l.is_string() && l.get<std::string>() == "coco80") return std::vector<std::string>{};
  if (!l.is_array()) return Status(errc::kInvalidConfiguration, where + ": labels must be a list");
  std::vector<std::string> out;
  for (const json& s : l) {
    if (!s.is_string())
      return Status(errc::kInvalidConfiguration, where + ": labels must be strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

// Parses the common part of an entry: file, input, decode, labels.
Result<ModelSpec> ParseModel(const std::string& task, const json& entry, const std::string& dir,
                             const std::string& where, bool needs_input) {
  if (!entry.is_object()) return Status(errc::kInvalidConfiguration, where + " must be an object");
  ModelSpec m;
  m.task = task;
  m.raw = entry;
  if (!entry.contains("file") || !entry["file"].is_string())
    return Status(errc::kInvalidConfiguration, where + ": \"file\" is missing");
  m.path = Resolve(entry["file"].get<std::string>(), dir);
  if (entry.contains("precision")) {
    const json& p = entry["precision"];
    if (!p.is_string() || (p != "fp32" && p != "int8"))
      return Status(errc::kInvalidConfiguration, where + ": precision must be fp32 or int8");
    m.precision = p.get<std::string>();
  }
  if (m.precision == "int8") {
    // The quantized twin scripts/make_int8_models.sh writes beside the file.
    const std::string fp32 = m.path;
    if (fp32.size() <= 5 || fp32.compare(fp32.size() - 5, 5, ".onnx") != 0)
      return Status(errc::kInvalidConfiguration,
                    where + ": precision int8 needs an .onnx file, not " + fp32);
    m.path = fp32.substr(0, fp32.size() - 5) + ".int8.onnx";
    std::error_code ec;
    if (!fs::is_regular_file(m.path, ec))
      return Status(errc::kNotFound, where + ": int8 model not found: " + m.path +
                                         " (scripts/make_int8_models.sh makes it from " + fp32 +
                                         ")");
  }
  RETURN_IF_ERROR(RequireFile(m.path, where));
  // Companion files (e.g. "keys_file" of ocr_rec) must exist too.
  for (const auto& [key, value] : entry.items()) {
    if (key.size() > 5 && key.compare(key.size() - 5, 5, "_file") == 0 && value.is_string()) {
      std::string p = Resolve(value.get<std::string>(), dir);
      RETURN_IF_ERROR(RequireFile(p, where + "." + key));
      m.raw[key] = p;
    }
  }
  m.decode = entry.value("decode", "");
  ASSIGN_OR_RETURN(auto labels, Labels(entry, where));
  m.labels = std::move(labels);
  if (entry.contains("input")) {
    ASSIGN_OR_RETURN(auto in, ParseInputSpec(entry["input"], where));
    m.input = in;
  } else if (needs_input) {
    return Status(errc::kInvalidConfiguration, where + ": \"input\" is missing");
  }
  return m;
}

Result<AttributeSpec> ParseAttribute(const std::string& name, const json& entry,
                                     const std::string& dir, const std::string& where) {
  const auto& allowed = AttributeLabels(name);
  if (allowed.empty())
    return Status(errc::kInvalidConfiguration, where + ": unknown attribute name");
  if (!entry.is_object()) return Status(errc::kInvalidConfiguration, where + " must be an object");
  AttributeSpec a;
  a.name = name;
  a.method = entry.value("method", "");
  a.region = entry.value("region", "");
  static const std::set<std::string> kRegions = {"", "full", "head", "upper", "lower"};
  if (!kRegions.count(a.region))
    return Status(errc::kInvalidConfiguration,
                  where + ": region must be full, head, upper or lower");
  if (a.method == "builtin") {
    a.builtin = entry.value("builtin", "");
    if (BuiltinAttributeFor(a.builtin) != name)
      return Status(errc::kInvalidConfiguration,
                    where + ": builtin '" + a.builtin + "' does not judge " + name);
    return a;
  }
  if (a.method == "head") {
    ASSIGN_OR_RETURN(auto m,
                     ParseModel("attribute:" + name, entry, dir, where, /*needs_input=*/false));
    a.model = std::move(m);
    return a;
  }
  if (a.method == "onnx") {
    ASSIGN_OR_RETURN(auto m,
                     ParseModel("attribute:" + name, entry, dir, where, /*needs_input=*/true));
    a.model = std::move(m);
    static const std::set<std::string> kDecodes = {"softmax", "sigmoid", "probs"};
    if (!kDecodes.count(a.model.decode))
      return Status(errc::kInvalidConfiguration,
                    where + ": decode must be softmax, sigmoid or probs");
    if (a.model.labels.size() < 2)
      return Status(errc::kInvalidConfiguration, where + ": an onnx attribute needs its labels");
    for (const auto& l : a.model.labels) {
      if (std::find(allowed.begin(), allowed.end(), l) == allowed.end())
        return Status(errc::kInvalidConfiguration,
                      where + ": label '" + l + "' is not one of " + name + "'s labels");
    }
    if (a.region.empty()) a.region = "full";
    return a;
  }
  return Status(errc::kInvalidConfiguration, where + ": method must be builtin, onnx or head");
}

// Entry-level overlay: entries of `over` replace those of `base`; null removes.
void Overlay(json* base, const json& over, const char* section) {
  if (!over.contains(section)) return;
  json& b = (*base)[section];
  if (!b.is_object()) b = json::object();
  for (const auto& [k, v] : over[section].items()) {
    if (v.is_null())
      b.erase(k);
    else
      b[k] = v;
  }
}
}  // namespace

const ModelSpec* ModelsConfig::Find(std::string_view task) const {
  auto it = tasks.find(std::string(task));
  return it == tasks.end() ? nullptr : &it->second;
}

// 玩手机识别 (phone_near_person) and 赤膊识别 (skin_torso) are built in but
// opt-in: on real positive photos they found 0 of 4 phones in hand and 0 of
// 1 bare torso, and skin_torso called 9 of 10 clothed head-and-shoulder
// photos 赤膊 (docs/developers/vision/bodies_registry.md). Answering them by default
// would be inventing answers.
//
// The detector and the embedder run their INT8 twins (scripts/make_int8_models.sh):
// on the evaluation every metric stays at its minimum, and FP32's detections
// are found again (docs/developers/int8.md); "precision": "fp32" in a config
// file serves the FP32 files.
json BundledModelsConfig() {
  return json::parse(R"({
  "tasks": {
    "object_detector": {"file": "yolov5s_dyn.onnx", "precision": "int8", "decode": "yolov5", "labels": "coco80",
      "letterbox": "stride",
      "input": {"width": 640, "height": 640, "channels": "RGB", "layout": "NCHW",
                "scale": 0.00392156862745098, "resize": "letterbox", "pad": 114}},
    "face_detector": {"file": "fr_detect.onnx", "decode": "ultraface",
      "score_threshold": 0.7, "nms_iou": 0.4,
      "input": {"width": 320, "height": 240, "channels": "RGB", "layout": "NCHW",
                "scale": 1, "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch"}},
    "embedder": {"file": "yolov5s_embed.onnx", "precision": "int8", "decode": "embedding",
      "input": {"width": 256, "height": 256, "channels": "RGB", "layout": "NCHW",
                "scale": 0.00392156862745098, "resize": "letterbox", "pad": 114}}
  },
  "attributes": {
    "反光衣识别": {"method": "builtin", "builtin": "fluorescent_vest"}
  }
})");
}

Result<ModelsConfig> ParseModelsConfig(const json& doc, const std::string& models_dir,
                                       const std::string& source) {
  if (!doc.is_object())
    return Status(errc::kInvalidConfiguration,
                  "models config " + source + " must be a JSON object");
  ModelsConfig c;
  c.source = source;
  c.models_dir = models_dir;
  for (const auto& [key, value] : doc.items()) {
    if (key != "tasks" && key != "attributes" && key != "models_dir" && key != "comment")
      return Status(errc::kInvalidConfiguration,
                    Where(source, "\"" + key + "\"") + ": unknown key");
  }
  if (doc.contains("tasks")) {
    if (!doc["tasks"].is_object())
      return Status(errc::kInvalidConfiguration, Where(source, "tasks") + " must be an object");
    for (const auto& [task, entry] : doc["tasks"].items()) {
      const std::string where = Where(source, "task " + task);
      auto known = TaskDecodes().find(task);
      if (known == TaskDecodes().end())
        return Status(errc::kInvalidConfiguration, where + ": unknown task");
      ASSIGN_OR_RETURN(
          auto m, ParseModel(task, entry, models_dir, where, /*needs_input=*/task != "ocr_det"));
      if (!known->second.count(m.decode)) {
        std::string kinds;
        for (const auto& k : known->second) kinds += (kinds.empty() ? "" : ", ") + k;
        return Status(errc::kInvalidConfiguration,
                      where + ": decode '" + m.decode + "' is not one of: " + kinds);
      }
      c.tasks.emplace(task, std::move(m));
    }
  }
  if (doc.contains("attributes")) {
    if (!doc["attributes"].is_object())
      return Status(errc::kInvalidConfiguration,
                    Where(source, "attributes") + " must be an object");
    for (const auto& [name, entry] : doc["attributes"].items()) {
      ASSIGN_OR_RETURN(auto a,
                       ParseAttribute(name, entry, models_dir, Where(source, "attribute " + name)));
      c.attributes.emplace(name, std::move(a));
    }
  }
  return c;
}

Result<ModelsConfig> LoadModelsConfig(const std::string& file, const std::string& models_dir) {
  json doc = BundledModelsConfig();
  if (file.empty()) return ParseModelsConfig(doc, models_dir, "(bundled)");
  std::ifstream in(file);
  if (!in) return Status(errc::kNotFound, "models config not found: " + file);
  json over = json::parse(in, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (over.is_discarded() || !over.is_object())
    return Status(errc::kInvalidConfiguration, "models config " + file + " is not a JSON object");
  std::string dir = models_dir;
  if (over.contains("models_dir")) {
    if (!over["models_dir"].is_string())
      return Status(errc::kInvalidConfiguration,
                    "models config " + file + ": models_dir must be a string");
    dir = Resolve(over["models_dir"].get<std::string>(), fs::absolute(file).parent_path().string());
  }
  Overlay(&doc, over, "tasks");
  Overlay(&doc, over, "attributes");
  for (const auto& [k, v] : over.items())
    if (k != "tasks" && k != "attributes" && k != "models_dir") doc[k] = v;
  return ParseModelsConfig(doc, dir, file);
}

std::string ModelsConfigWhere(const std::string& source, const std::string& entry) {
  return Where(source, entry);
}

}  // namespace kanjian::vision
