#include "vision/models/yolo_detector.h"

#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <utility>

#include "common/error_codes.h"
#include "vision/runtime/image_tensor.h"
#include "vision/runtime/onnx_session.h"

namespace kanjian::vision {
namespace {

constexpr int kBoxFields = 5;  // cx, cy, w, h, objectness
constexpr int kStride = 32;    // YOLOv5's largest stride: H and W must be multiples of it

// YOLOv5's training input: RGB 0..1, letterboxed on grey 114.
InputSpec LetterboxSpec(int width, int height) {
  InputSpec spec;
  spec.width = width;
  spec.height = height;
  spec.resize = InputSpec::Resize::kLetterbox;
  spec.pad = 114;
  return spec;
}

float Iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  float inter = (a & b).area();
  float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0;
}

struct Candidate {
  cv::Rect2f box;  // input pixels
  float score;
  int class_id;
};

// Greedy NMS within each class.
std::vector<Candidate> Nms(std::vector<Candidate> c, float iou, int max_keep) {
  std::stable_sort(c.begin(), c.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  std::vector<Candidate> kept;
  for (const Candidate& cand : c) {
    bool suppressed = false;
    for (const Candidate& k : kept) {
      if (k.class_id == cand.class_id && Iou(k.box, cand.box) > iou) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) {
      kept.push_back(cand);
      if (int(kept.size()) >= max_keep) break;
    }
  }
  return kept;
}

std::vector<Detection> Decode(const float* rows, int64_t num_rows, int num_classes,
                              const DetectorConfig& config, const InputGeometry& lb, int img_w,
                              int img_h) {
  const int stride = kBoxFields + num_classes;
  std::vector<Candidate> cands;
  for (int64_t r = 0; r < num_rows; ++r) {
    const float* p = rows + r * stride;
    float obj = p[4];
    if (obj < config.score_threshold) continue;
    const float* cls = p + kBoxFields;
    int best = int(std::max_element(cls, cls + num_classes) - cls);
    float score = obj * cls[best];
    if (score < config.score_threshold) continue;
    cands.push_back({cv::Rect2f(p[0] - p[2] / 2, p[1] - p[3] / 2, p[2], p[3]), score, best});
  }
  std::vector<Detection> out;
  for (const Candidate& c : Nms(std::move(cands), config.nms_iou, config.max_detections)) {
    float x1 = std::clamp((c.box.x - lb.pad_x) / lb.scale_x, 0.f, float(img_w));
    float y1 = std::clamp((c.box.y - lb.pad_y) / lb.scale_y, 0.f, float(img_h));
    float x2 = std::clamp((c.box.br().x - lb.pad_x) / lb.scale_x, 0.f, float(img_w));
    float y2 = std::clamp((c.box.br().y - lb.pad_y) / lb.scale_y, 0.f, float(img_h));
    Box box{int(std::lround(x1)), int(std::lround(y1)), 0, 0};
    box.width = int(std::lround(x2)) - box.x;
    box.height = int(std::lround(y2)) - box.y;
    if (box.width <= 0 || box.height <= 0) continue;
    // COCO names only for a COCO-80 model; a custom model's ids stay ids.
    const auto& labels = CocoLabels();
    std::string label = num_classes == int(labels.size()) ? labels[c.class_id]
                                                          : "class" + std::to_string(c.class_id);
    out.push_back({c.class_id, std::move(label), c.score, box});
  }
  return out;
}

// The last output dimension of a run on a blank h x w image.
int64_t ProbeRowWidth(Ort::Session& session, int64_t h, int64_t w) {
  std::vector<float> blank(size_t(3) * h * w, 114.f / 255);
  Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  const std::array<int64_t, 4> shape = {1, 3, h, w};
  Ort::Value tensor =
      Ort::Value::CreateTensor<float>(mem, blank.data(), blank.size(), shape.data(), shape.size());
  Ort::AllocatorWithDefaultOptions alloc;
  auto in_name = session.GetInputNameAllocated(0, alloc);
  auto out_name = session.GetOutputNameAllocated(0, alloc);
  const char* in_names[] = {in_name.get()};
  const char* out_names[] = {out_name.get()};
  auto outputs = session.Run(Ort::RunOptions{nullptr}, in_names, &tensor, 1, out_names, 1);
  auto oshape = outputs[0].GetTensorTypeAndShapeInfo().GetShape();
  return oshape.size() == 3 ? oshape[2] : -1;
}

}  // namespace

const std::vector<std::string>& CocoLabels() {
  static const std::vector<std::string> kLabels = {
      "person",        "bicycle",      "car",
      "motorcycle",    "airplane",     "bus",
      "train",         "truck",        "boat",
      "traffic light", "fire hydrant", "stop sign",
      "parking meter", "bench",        "bird",
      "cat",           "dog",          "horse",
      "sheep",         "cow",          "elephant",
      "bear",          "zebra",        "giraffe",
      "backpack",      "umbrella",     "handbag",
      "tie",           "suitcase",     "frisbee",
      "skis",          "snowboard",    "sports ball",
      "kite",          "baseball bat", "baseball glove",
      "skateboard",    "surfboard",    "tennis racket",
      "bottle",        "wine glass",   "cup",
      "fork",          "knife",        "spoon",
      "bowl",          "banana",       "apple",
      "sandwich",      "orange",       "broccoli",
      "carrot",        "hot dog",      "pizza",
      "donut",         "cake",         "chair",
      "couch",         "potted plant", "bed",
      "dining table",  "toilet",       "tv",
      "laptop",        "mouse",        "remote",
      "keyboard",      "cell phone",   "microwave",
      "oven",          "toaster",      "sink",
      "refrigerator",  "book",         "clock",
      "vase",          "scissors",     "teddy bear",
      "hair drier",    "toothbrush"};
  return kLabels;
}

YoloDetector::YoloDetector(DetectorConfig config, std::unique_ptr<Ort::Session> session,
                           int num_classes, std::string input_name, std::string output_name)
    : config_(std::move(config)),
      session_(std::move(session)),
      num_classes_(num_classes),
      input_name_(std::move(input_name)),
      output_name_(std::move(output_name)) {}

YoloDetector::~YoloDetector() = default;

Result<std::unique_ptr<YoloDetector>> YoloDetector::Load(const DetectorConfig& config) {
  const std::string& path = config.model_path;
  if (config.input_size <= 0 || config.input_size % 32 != 0) {
    return Status(errc::kInvalidConfiguration,
                  "detector input size must be a positive multiple of 32, got " +
                      std::to_string(config.input_size));
  }
  ASSIGN_OR_RETURN(auto opened, OpenOnnxSession(path, config.intra_op_threads, "detector",
                                                config.allow_spinning));
  std::unique_ptr<Ort::Session> session = std::move(opened);
  int num_classes = 0;
  std::string input_name, output_name;
  try {
    if (session->GetInputCount() != 1 || session->GetOutputCount() < 1) {
      return Status(errc::kInternalError,
                    "detector model " + path + " must have one input and an [N,A,5+C] output");
    }
    std::vector<int64_t> in = session->GetInputTypeInfo(0).GetTensorTypeAndShapeInfo().GetShape();
    std::vector<int64_t> out = session->GetOutputTypeInfo(0).GetTensorTypeAndShapeInfo().GetShape();
    if (in.size() == 4 && out.size() == 3 && out[2] < 0) {
      // A dynamic-size export leaves the row width symbolic: read it from
      // one tiny run.
      out[2] = ProbeRowWidth(*session, in[2] > 0 ? in[2] : kStride, in[3] > 0 ? in[3] : kStride);
    }
    if (in.size() != 4 || (in[1] != 3 && in[1] > 0) || out.size() != 3 || out[2] <= kBoxFields) {
      return Status(errc::kInternalError, "detector model " + path +
                                              " does not have the YOLOv5 shape "
                                              "images[N,3,S,S] -> [N,A,5+C]");
    }
    if (config.letterbox == Letterbox::kStride && (in[2] > 0 || in[3] > 0)) {
      return Status(errc::kInvalidConfiguration,
                    "detector model " + path + " takes a fixed " + std::to_string(in[2]) + "x" +
                        std::to_string(in[3]) +
                        " input; letterbox \"stride\" needs dynamic height and width "
                        "(scripts/convert_yolov5.py --dynamic-size)");
    }
    for (int d : {2, 3}) {
      if (in[d] > 0 && in[d] != config.input_size) {
        return Status(errc::kInvalidConfiguration, "detector model " + path + " takes " +
                                                       std::to_string(in[d]) +
                                                       " pixel input but the configuration says " +
                                                       std::to_string(config.input_size));
      }
    }
    num_classes = int(out[2] - kBoxFields);
    Ort::AllocatorWithDefaultOptions alloc;
    input_name = session->GetInputNameAllocated(0, alloc).get();
    output_name = session->GetOutputNameAllocated(0, alloc).get();
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, "cannot load detector model " + path + ": " + e.what());
  }
  return std::unique_ptr<YoloDetector>(new YoloDetector(
      config, std::move(session), num_classes, std::move(input_name), std::move(output_name)));
}

Result<std::vector<Detection>> YoloDetector::Detect(const cv::Mat& bgr) const {
  ASSIGN_OR_RETURN(auto batch, DetectBatch({bgr}));
  return std::move(batch[0]);
}

Result<std::vector<std::vector<Detection>>> YoloDetector::DetectBatch(
    const std::vector<cv::Mat>& images) const {
  const int s = config_.input_size;
  const int64_t n = int64_t(images.size());
  if (n == 0) return std::vector<std::vector<Detection>>{};
  for (const cv::Mat& im : images) {
    if (im.empty() || im.type() != CV_8UC3) {
      return Status(errc::kInternalError, "detector needs a non-empty 8-bit BGR image");
    }
  }
  // The batch's canvas: square, or the smallest that holds each image's own
  // stride-aligned shape.
  int width = s, height = s;
  if (config_.letterbox == Letterbox::kStride) {
    width = height = 0;
    for (const cv::Mat& im : images) {
      const cv::Size own = StrideAlignedSize(im.size(), s, kStride);
      width = std::max(width, own.width);
      height = std::max(height, own.height);
    }
  }
  const size_t per_image = size_t(3) * width * height;
  std::vector<float> input(per_image * n);
  std::vector<InputGeometry> boxes;
  const InputSpec spec = LetterboxSpec(width, height);
  for (int64_t i = 0; i < n; ++i) {
    boxes.push_back(FillInputTensor(images[i], spec, input.data() + per_image * i));
  }
  try {
    Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    const std::array<int64_t, 4> shape = {n, 3, height, width};
    Ort::Value tensor = Ort::Value::CreateTensor<float>(mem, input.data(), input.size(),
                                                        shape.data(), shape.size());
    const char* in_names[] = {input_name_.c_str()};
    const char* out_names[] = {output_name_.c_str()};
    std::vector<Ort::Value> outputs =
        session_->Run(Ort::RunOptions{nullptr}, in_names, &tensor, 1, out_names, 1);
    std::vector<int64_t> oshape = outputs[0].GetTensorTypeAndShapeInfo().GetShape();
    if (oshape.size() != 3 || oshape[0] != n || oshape[2] != kBoxFields + num_classes_) {
      return Status(errc::kInternalError, "detector output has an unexpected shape");
    }
    const float* data = outputs[0].GetTensorData<float>();
    const int64_t rows = oshape[1];
    std::vector<std::vector<Detection>> result;
    for (int64_t i = 0; i < n; ++i) {
      result.push_back(Decode(data + i * rows * oshape[2], rows, num_classes_, config_, boxes[i],
                              images[i].cols, images[i].rows));
    }
    return result;
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, std::string("inference failed: ") + e.what());
  }
}

}  // namespace kanjian::vision
