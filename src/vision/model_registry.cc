#include "vision/model_registry.h"

#include <onnxruntime_cxx_api.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <malloc.h>  // malloc_trim (glibc)
#include <opencv2/imgproc.hpp>
#include <set>
#include <thread>
#include <utility>

#include "common/error_codes.h"
#include "vision/attribute_builtin.h"
#include "vision/attribute_classifier.h"
#include "vision/embedder.h"
#include "vision/face_detector.h"
#include "vision/ocr/ocr_engine.h"
#include "vision/product_gallery.h"
#include "vision/yolo_detector.h"

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

Result<std::array<float, 3>> Triple(const json& j, const std::string& name, float dflt,
                                    const std::string& where) {
  if (!j.contains(name)) return std::array<float, 3>{dflt, dflt, dflt};
  const json& v = j[name];
  if (v.is_number()) return std::array<float, 3>{v.get<float>(), v.get<float>(), v.get<float>()};
  if (v.is_array() && v.size() == 3 && v[0].is_number() && v[1].is_number() && v[2].is_number())
    return std::array<float, 3>{v[0].get<float>(), v[1].get<float>(), v[2].get<float>()};
  return Status(errc::kInvalidParameterValue, where + ": input." + name + " must be 3 numbers");
}

Result<std::vector<std::string>> Labels(const json& entry, const std::string& where) {
  if (!entry.contains("labels")) return std::vector<std::string>{};
  const json& l = entry["labels"];
  if (l.is_string() && l.get<std::string>() == "coco80") return std::vector<std::string>{};
  if (!l.is_array()) return Status(errc::kInvalidParameterValue, where + ": labels must be a list");
  std::vector<std::string> out;
  for (const json& s : l) {
    if (!s.is_string())
      return Status(errc::kInvalidParameterValue, where + ": labels must be strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

// Parses the common part of an entry: file, input, decode, labels.
Result<ModelSpec> ParseModel(const std::string& task, const json& entry, const std::string& dir,
                             const std::string& where, bool needs_input) {
  if (!entry.is_object()) return Status(errc::kInvalidParameterValue, where + " must be an object");
  ModelSpec m;
  m.task = task;
  m.raw = entry;
  if (!entry.contains("file") || !entry["file"].is_string())
    return Status(errc::kInvalidParameterValue, where + ": \"file\" is missing");
  m.path = Resolve(entry["file"].get<std::string>(), dir);
  if (Status s = RequireFile(m.path, where); !s.ok()) return s;
  // Companion files (e.g. "keys_file" of ocr_rec) must exist too.
  for (const auto& [key, value] : entry.items()) {
    if (key.size() > 5 && key.compare(key.size() - 5, 5, "_file") == 0 && value.is_string()) {
      std::string p = Resolve(value.get<std::string>(), dir);
      if (Status s = RequireFile(p, where + "." + key); !s.ok()) return s;
      m.raw[key] = p;
    }
  }
  m.decode = entry.value("decode", "");
  auto labels = Labels(entry, where);
  if (!labels.ok()) return labels.status();
  m.labels = std::move(labels.value());
  if (entry.contains("input")) {
    auto in = ParseInputSpec(entry["input"], where);
    if (!in.ok()) return in.status();
    m.input = *in;
  } else if (needs_input) {
    return Status(errc::kInvalidParameterValue, where + ": \"input\" is missing");
  }
  return m;
}

Result<AttributeSpec> ParseAttribute(const std::string& name, const json& entry,
                                     const std::string& dir, const std::string& where) {
  const auto& allowed = AttributeLabels(name);
  if (allowed.empty())
    return Status(errc::kInvalidParameterValue, where + ": unknown attribute name");
  if (!entry.is_object()) return Status(errc::kInvalidParameterValue, where + " must be an object");
  AttributeSpec a;
  a.name = name;
  a.method = entry.value("method", "");
  a.region = entry.value("region", "");
  static const std::set<std::string> kRegions = {"", "full", "head", "upper", "lower"};
  if (!kRegions.count(a.region))
    return Status(errc::kInvalidParameterValue, where + ": region must be full, head, upper or lower");
  if (a.method == "builtin") {
    a.builtin = entry.value("builtin", "");
    if (BuiltinAttributeFor(a.builtin) != name)
      return Status(errc::kInvalidParameterValue,
                    where + ": builtin '" + a.builtin + "' does not judge " + name);
    return a;
  }
  if (a.method == "head") {
    auto m = ParseModel("attribute:" + name, entry, dir, where, /*needs_input=*/false);
    if (!m.ok()) return m.status();
    a.model = std::move(m.value());
    return a;
  }
  if (a.method == "onnx") {
    auto m = ParseModel("attribute:" + name, entry, dir, where, /*needs_input=*/true);
    if (!m.ok()) return m.status();
    a.model = std::move(m.value());
    static const std::set<std::string> kDecodes = {"softmax", "sigmoid", "probs"};
    if (!kDecodes.count(a.model.decode))
      return Status(errc::kInvalidParameterValue, where + ": decode must be softmax, sigmoid or probs");
    if (a.model.labels.size() < 2)
      return Status(errc::kInvalidParameterValue, where + ": an onnx attribute needs its labels");
    for (const auto& l : a.model.labels) {
      if (std::find(allowed.begin(), allowed.end(), l) == allowed.end())
        return Status(errc::kInvalidParameterValue, where + ": label '" + l + "' is not one of " + name + "'s labels");
    }
    if (a.region.empty()) a.region = "full";
    return a;
  }
  return Status(errc::kInvalidParameterValue, where + ": method must be builtin, onnx or head");
}

// Entry-level overlay: entries of `over` replace those of `base`; null removes.
void Overlay(json* base, const json& over, const char* section) {
  if (!over.contains(section)) return;
  json& b = (*base)[section];
  if (!b.is_object()) b = json::object();
  for (const auto& [k, v] : over[section].items()) {
    if (v.is_null()) b.erase(k);
    else b[k] = v;
  }
}

}  // namespace

InputGeometry FillInputTensor(const cv::Mat& bgr, const InputSpec& spec, float* dst) {
  const int W = spec.width, H = spec.height;
  InputGeometry g;
  cv::Mat canvas;
  if (spec.resize == InputSpec::Resize::kLetterbox) {
    float s = std::min(float(W) / bgr.cols, float(H) / bgr.rows);
    int w = std::max(1, int(std::lround(bgr.cols * s)));
    int h = std::max(1, int(std::lround(bgr.rows * s)));
    g = {s, s, (W - w) / 2, (H - h) / 2};
    canvas = cv::Mat(H, W, CV_8UC3, cv::Scalar::all(spec.pad));
    cv::resize(bgr, canvas(cv::Rect(g.pad_x, g.pad_y, w, h)), cv::Size(w, h), 0, 0,
               cv::INTER_LINEAR);
  } else {
    g = {float(W) / bgr.cols, float(H) / bgr.rows, 0, 0};
    if (bgr.cols == W && bgr.rows == H) canvas = bgr;
    else cv::resize(bgr, canvas, cv::Size(W, H), 0, 0, cv::INTER_LINEAR);
  }
  // Channel c of the tensor takes BGR channel src[c].
  const int src[3] = {spec.rgb ? 2 : 0, 1, spec.rgb ? 0 : 2};
  float mul[3], add[3];
  for (int c = 0; c < 3; ++c) {
    mul[c] = spec.scale / spec.std[c];
    add[c] = -spec.mean[c] / spec.std[c];
  }
  const size_t plane = size_t(W) * H;
  for (int y = 0; y < H; ++y) {
    const uint8_t* row = canvas.ptr<uint8_t>(y);
    for (int x = 0; x < W; ++x) {
      const uint8_t* px = row + 3 * x;
      const size_t i = size_t(y) * W + x;
      for (int c = 0; c < 3; ++c) {
        float v = px[src[c]] * mul[c] + add[c];
        if (spec.layout == InputSpec::Layout::kNCHW) dst[c * plane + i] = v;
        else dst[i * 3 + c] = v;
      }
    }
  }
  return g;
}

Result<InputSpec> ParseInputSpec(const json& j, const std::string& where) {
  if (!j.is_object()) return Status(errc::kInvalidParameterValue, where + ": input must be an object");
  InputSpec s;
  try {
    s.width = j.value("width", 0);
    s.height = j.value("height", 0);
    std::string layout = j.value("layout", "NCHW"), channels = j.value("channels", "RGB"),
                resize = j.value("resize", "stretch");
    if (layout != "NCHW" && layout != "NHWC")
      return Status(errc::kInvalidParameterValue, where + ": input.layout must be NCHW or NHWC");
    if (channels != "RGB" && channels != "BGR")
      return Status(errc::kInvalidParameterValue, where + ": input.channels must be RGB or BGR");
    if (resize != "stretch" && resize != "letterbox")
      return Status(errc::kInvalidParameterValue, where + ": input.resize must be stretch or letterbox");
    s.layout = layout == "NCHW" ? InputSpec::Layout::kNCHW : InputSpec::Layout::kNHWC;
    s.rgb = channels == "RGB";
    s.resize = resize == "letterbox" ? InputSpec::Resize::kLetterbox : InputSpec::Resize::kStretch;
    s.scale = j.value("scale", 1.0f / 255);
    s.pad = j.value("pad", 114);
  } catch (const json::exception& e) {
    return Status(errc::kInvalidParameterValue, where + ": input: " + e.what());
  }
  if (s.width <= 0 || s.height <= 0 || s.width > 4096 || s.height > 4096)
    return Status(errc::kInvalidParameterValue, where + ": input.width/height must be 1..4096");
  auto mean = Triple(j, "mean", 0, where);
  if (!mean.ok()) return mean.status();
  auto std = Triple(j, "std", 1, where);
  if (!std.ok()) return std.status();
  s.mean = *mean;
  s.std = *std;
  for (float v : s.std)
    if (v == 0) return Status(errc::kInvalidParameterValue, where + ": input.std must not be 0");
  return s;
}

const ModelSpec* ModelsConfig::Find(std::string_view task) const {
  auto it = tasks.find(std::string(task));
  return it == tasks.end() ? nullptr : &it->second;
}

// 玩手机识别 (phone_near_person) and 赤膊识别 (skin_torso) are built in but
// opt-in: on real positive photos they found 0 of 4 phones in hand and 0 of
// 1 bare torso, and skin_torso called 9 of 10 clothed head-and-shoulder
// photos 赤膊 (docs/vision/bodies_registry.md). Answering them by default
// would be inventing answers.
json BundledModelsConfig() {
  return json::parse(R"({
  "tasks": {
    "object_detector": {"file": "yolov5s.onnx", "decode": "yolov5", "labels": "coco80",
      "input": {"width": 640, "height": 640, "channels": "RGB", "layout": "NCHW",
                "scale": 0.00392156862745098, "resize": "letterbox", "pad": 114}},
    "face_detector": {"file": "fr_detect.onnx", "decode": "ultraface",
      "score_threshold": 0.7, "nms_iou": 0.4,
      "input": {"width": 320, "height": 240, "channels": "RGB", "layout": "NCHW",
                "scale": 1, "mean": [127, 127, 127], "std": [128, 128, 128], "resize": "stretch"}},
    "embedder": {"file": "yolov5s_embed.onnx", "decode": "embedding",
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
    return Status(errc::kInvalidParameterValue, "models config " + source + " must be a JSON object");
  ModelsConfig c;
  c.source = source;
  c.models_dir = models_dir;
  for (const auto& [key, value] : doc.items()) {
    if (key != "tasks" && key != "attributes" && key != "models_dir" && key != "comment")
      return Status(errc::kInvalidParameterValue, Where(source, "\"" + key + "\"") + ": unknown key");
  }
  if (doc.contains("tasks")) {
    if (!doc["tasks"].is_object())
      return Status(errc::kInvalidParameterValue, Where(source, "tasks") + " must be an object");
    for (const auto& [task, entry] : doc["tasks"].items()) {
      const std::string where = Where(source, "task " + task);
      auto known = TaskDecodes().find(task);
      if (known == TaskDecodes().end())
        return Status(errc::kInvalidParameterValue, where + ": unknown task");
      auto m = ParseModel(task, entry, models_dir, where, /*needs_input=*/task != "ocr_det");
      if (!m.ok()) return m.status();
      if (!known->second.count(m->decode)) {
        std::string kinds;
        for (const auto& k : known->second) kinds += (kinds.empty() ? "" : ", ") + k;
        return Status(errc::kInvalidParameterValue,
                      where + ": decode '" + m->decode + "' is not one of: " + kinds);
      }
      c.tasks.emplace(task, std::move(m.value()));
    }
  }
  if (doc.contains("attributes")) {
    if (!doc["attributes"].is_object())
      return Status(errc::kInvalidParameterValue, Where(source, "attributes") + " must be an object");
    for (const auto& [name, entry] : doc["attributes"].items()) {
      auto a = ParseAttribute(name, entry, models_dir, Where(source, "attribute " + name));
      if (!a.ok()) return a.status();
      c.attributes.emplace(name, std::move(a.value()));
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
    return Status(errc::kInvalidParameterValue, "models config " + file + " is not a JSON object");
  std::string dir = models_dir;
  if (over.contains("models_dir")) {
    if (!over["models_dir"].is_string())
      return Status(errc::kInvalidParameterValue, "models config " + file + ": models_dir must be a string");
    dir = Resolve(over["models_dir"].get<std::string>(),
                  fs::absolute(file).parent_path().string());
  }
  Overlay(&doc, over, "tasks");
  Overlay(&doc, over, "attributes");
  for (const auto& [k, v] : over.items())
    if (k != "tasks" && k != "attributes" && k != "models_dir") doc[k] = v;
  return ParseModelsConfig(doc, dir, file);
}

namespace {

// A set is hundreds of MB: ONNX Runtime's per-session arenas, weights and
// the OCR models, malloc-ed on the thread that loaded it. When it is freed,
// glibc keeps those pages in that thread's malloc arena (and, after a large
// free raises the mmap threshold, in the heap) instead of returning them, so
// every reload added a set's worth of resident memory (README: 281 → 449 MB
// after 10 reloads). malloc_trim(0) returns the free pages of every arena.
// It takes 130–180 ms, and the last holder of a set is often a request (the
// first one after a reload replaces the engine's detector slot under its
// lock), so it runs on a thread of its own.
class Trimmer {
 public:
  static Trimmer& Get() {
    static Trimmer* trimmer = new Trimmer();  // never destroyed: its thread may wait at exit
    return *trimmer;
  }
  void Request() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending_ = true;
    }
    cv_.notify_one();
  }

 private:
  Trimmer() { std::thread([this] { Run(); }).detach(); }
  void Run() {
    // Its own reference to the logger: a release just before exit must not
    // log through spdlog's registry while static destructors tear it down.
    const std::shared_ptr<spdlog::logger> log = spdlog::default_logger();
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [this] { return pending_; });
      pending_ = false;  // requests made during a trim are served by the next one
      lock.unlock();
      const auto start = std::chrono::steady_clock::now();
      malloc_trim(0);
      log->info("model set released: memory returned to the system in {:.1f} ms",
                   std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                       .count());
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;  // guarded by mu_
};

void ReleaseModelSet(const ModelSet* set) {
  delete set;
  Trimmer::Get().Request();
}

}  // namespace

Result<std::shared_ptr<const ModelSet>> LoadModelSet(ModelsConfig config, int threads,
                                                     const ExtraModelDirs& extra) {
  // Freed (with ReleaseModelSet) when its last holder lets go: a reload
  // failing half-way, or the last request pinned to a replaced set.
  std::shared_ptr<ModelSet> set(new ModelSet(), ReleaseModelSet);
  if (const ModelSpec* od = config.Find("object_detector")) {
    const std::string where = Where(config.source, "task object_detector");
    if (od->input.width != od->input.height)
      return Status(errc::kInvalidParameterValue,
                    where + ": the detector's input must be square (" + od->path + ")");
    DetectorConfig dc;
    dc.model_path = od->path;
    dc.input_size = od->input.width;
    dc.score_threshold = od->raw.value("score_threshold", dc.score_threshold);
    dc.nms_iou = od->raw.value("nms_iou", dc.nms_iou);
    dc.intra_op_threads = threads;
    auto detector = YoloDetector::Load(dc);
    if (!detector.ok())
      return Status(detector.status().code(), where + ": " + detector.status().message());
    set->detector = std::move(detector.value());
  }
  if (const ModelSpec* f = config.Find("face_detector")) {
    auto fd = FaceDetector::Load(*f, threads);
    if (!fd.ok()) return fd.status();
    set->face_detector = std::move(fd.value());
  }
  if (const ModelSpec* e = config.Find("embedder")) {
    auto em = Embedder::Load(*e, threads);
    if (!em.ok()) return em.status();
    set->embedder = std::move(em.value());
  }
  for (const auto& [name, spec] : config.attributes) {
    auto c = MakeAttributeClassifier(spec, set->embedder, threads);
    if (!c.ok())
      return Status(c.status().code(), Where(config.source, "attribute " + name) + ": " +
                                           c.status().message());
    set->attributes.emplace(name, std::move(c.value()));
  }
  set->dirs = extra;
  if (!extra.ocr_dir.empty()) {
    ocr::OcrConfig oc;
    oc.models_dir = extra.ocr_dir;
    oc.intra_op_threads = threads;
    // Configured files win over the OCR dir's defaults (absolute paths, so
    // models_dir / file is the file itself).
    if (const ModelSpec* det = config.Find("ocr_det")) oc.det_file = det->path;
    if (const ModelSpec* rec = config.Find("ocr_rec")) {
      oc.rec_file = rec->path;
      if (rec->raw.contains("keys_file")) oc.keys_file = rec->raw["keys_file"].get<std::string>();
    }
    auto engine = ocr::OcrEngine::Load(oc);
    if (!engine.ok()) return engine.status();
    set->ocr = std::move(engine.value());
  }
  if (!extra.product_gallery_dir.empty()) {
    auto gallery = ProductGallery::Load(extra.product_gallery_dir, [](const cv::Mat& bgr) {
      return Result<std::vector<float>>(ClassicalProductEmbedding(bgr));
    });
    if (!gallery.ok()) return gallery.status();
    set->product_gallery = std::move(gallery.value());
  }
  set->config = std::move(config);
  return std::shared_ptr<const ModelSet>(std::move(set));
}

ModelRegistry::ModelRegistry(std::string config_file, std::string models_dir, int threads,
                             std::vector<std::string> required_tasks, ExtraModelDirs extra,
                             std::shared_ptr<const ModelSet> set)
    : config_file_(std::move(config_file)),
      models_dir_(std::move(models_dir)),
      intra_op_threads_(threads),
      required_tasks_(std::move(required_tasks)),
      extra_(std::move(extra)),
      current_(std::move(set)) {}

Result<std::shared_ptr<const ModelSet>> ModelRegistry::LoadFromFile(
    const std::string& config_file, const std::string& models_dir, int threads,
    const std::vector<std::string>& required_tasks, const ExtraModelDirs& extra) {
  auto config = LoadModelsConfig(config_file, models_dir);
  if (!config.ok()) return config.status();
  for (const std::string& task : required_tasks) {
    if (!config->Find(task))
      return Status(errc::kInvalidParameterValue,
                    Where(config->source, "task " + task) + ": required by the server, not configured");
  }
  return LoadModelSet(std::move(config.value()), threads, extra);
}

Result<std::unique_ptr<ModelRegistry>> ModelRegistry::Load(std::string config_file,
                                                           std::string models_dir, int threads,
                                                           std::vector<std::string> required_tasks,
                                                           ExtraModelDirs extra) {
  auto set = LoadFromFile(config_file, models_dir, threads, required_tasks, extra);
  if (!set.ok()) return set.status();
  return std::unique_ptr<ModelRegistry>(
      new ModelRegistry(std::move(config_file), std::move(models_dir), threads,
                        std::move(required_tasks), std::move(extra), std::move(set.value())));
}

std::shared_ptr<const ModelSet> ModelRegistry::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

Status ModelRegistry::Reload() {
  std::lock_guard<std::mutex> reload(reload_mu_);
  // Everything loads before anything is installed: a failure changes nothing.
  auto set = LoadFromFile(config_file_, models_dir_, intra_op_threads_, required_tasks_, extra_);
  if (!set.ok()) return set.status();
  Swap(std::move(set.value()));
  return Status::Ok();
}

void ModelRegistry::Swap(std::shared_ptr<const ModelSet> set) {
  std::shared_ptr<const ModelSet> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::move(current_);
    current_ = std::move(set);
  }
  // `old` is freed here, outside the lock, unless a request still holds it.
}

}  // namespace kanjian::vision
