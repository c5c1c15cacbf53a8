#include "vision/registry/model_set.h"

#include <malloc.h>  // malloc_trim (glibc)
#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "common/error_codes.h"
#include "vision/models/attribute_classifier.h"
#include "vision/models/embedder.h"
#include "vision/models/face_detector.h"
#include "vision/models/ocr/ocr_engine.h"
#include "vision/models/product_gallery.h"
#include "vision/models/yolo_detector.h"
#include "vision/registry/model_set_hash.h"

namespace kanjian::vision {
namespace {

// A set is hundreds of MB: ONNX Runtime's per-session arenas, weights and
// the OCR models, malloc-ed on the thread that loaded it. When it is freed,
// glibc keeps those pages in that thread's malloc arena (and, after a large
// free raises the mmap threshold, in the heap) instead of returning them, so
// every reload added a set's worth of resident memory (figures:
// docs/developers/benchmarks.md). malloc_trim(0) returns the free pages of
// every arena. It walks every arena, which is slow beside a request, and the
// last holder of a set is often a request (the
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
  Trimmer() {
    std::thread([this] { Run(); }).detach();
  }
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
    const std::string where = ModelsConfigWhere(config.source, "task object_detector");
    if (od->input.width != od->input.height)
      return Status(errc::kInvalidConfiguration,
                    where + ": the detector's input must be square (" + od->path + ")");
    DetectorConfig dc;
    dc.model_path = od->path;
    dc.input_size = od->input.width;
    dc.score_threshold = od->raw.value("score_threshold", dc.score_threshold);
    dc.nms_iou = od->raw.value("nms_iou", dc.nms_iou);
    // "stride": each photo at its own aspect (needs a dynamic-size model);
    // "square" (default for configs that do not say): 640x640 for every photo.
    const nlohmann::json letterbox = od->raw.value("letterbox", nlohmann::json("square"));
    if (letterbox == "stride")
      dc.letterbox = Letterbox::kStride;
    else if (letterbox != "square")
      return Status(errc::kInvalidConfiguration,
                    where + ": letterbox must be \"square\" or \"stride\"");
    dc.intra_op_threads = threads;
    auto detector = YoloDetector::Load(dc);
    if (!detector.ok())
      return Status(detector.status().code(), where + ": " + detector.status().message());
    set->detector = std::move(detector.value());
  }
  if (const ModelSpec* f = config.Find("face_detector")) {
    ASSIGN_OR_RETURN(auto fd, FaceDetector::Load(*f, threads));
    set->face_detector = std::move(fd);
  }
  if (const ModelSpec* e = config.Find("embedder")) {
    ASSIGN_OR_RETURN(auto em, Embedder::Load(*e, threads));
    set->embedder = std::move(em);
  }
  for (const auto& [name, spec] : config.attributes) {
    auto c = MakeAttributeClassifier(spec, set->embedder, threads);
    if (!c.ok())
      return Status(c.status().code(), ModelsConfigWhere(config.source, "attribute " + name) +
                                           ": " + c.status().message());
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
    ASSIGN_OR_RETURN(auto engine, ocr::OcrEngine::Load(oc));
    set->ocr = std::move(engine);
  }
  if (!extra.product_gallery_dir.empty()) {
    ASSIGN_OR_RETURN(auto gallery,
                     ProductGallery::Load(extra.product_gallery_dir, [](const cv::Mat& bgr) {
                       return Result<std::vector<float>>(ClassicalProductEmbedding(bgr));
                     }));
    set->product_gallery = std::move(gallery);
  }
  ASSIGN_OR_RETURN(auto hash, ModelSetHash(config, extra));
  set->hash = std::move(hash);
  set->config = std::move(config);
  return std::shared_ptr<const ModelSet>(std::move(set));
}
}  // namespace kanjian::vision
