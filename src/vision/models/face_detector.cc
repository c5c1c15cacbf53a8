#include "vision/models/face_detector.h"

#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <utility>

#include "common/error_codes.h"

namespace kanjian::vision {

std::vector<int> NmsIndices(const std::vector<cv::Rect2f>& boxes, const std::vector<float>& scores,
                            float iou) {
  std::vector<int> order(boxes.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return scores[a] > scores[b]; });
  std::vector<int> kept;
  for (int i : order) {
    bool suppressed = false;
    for (int k : kept) {
      float inter = (boxes[i] & boxes[k]).area();
      float uni = boxes[i].area() + boxes[k].area() - inter;
      if (uni > 0 && inter / uni > iou) {
        suppressed = true;
        break;
      }
    }
    if (!suppressed) kept.push_back(i);
  }
  return kept;
}

FaceDetector::FaceDetector(ModelSpec spec, std::unique_ptr<Ort::Session> session)
    : spec_(std::move(spec)), session_(std::move(session)) {
  score_threshold_ = spec_.raw.value("score_threshold", 0.7f);
  nms_iou_ = spec_.raw.value("nms_iou", 0.4f);
  min_face_px_ = spec_.raw.value("min_face_px", 8);
}

FaceDetector::~FaceDetector() = default;

Result<std::unique_ptr<FaceDetector>> FaceDetector::Load(const ModelSpec& spec,
                                                         int intra_op_threads) {
  if (spec.decode != "ultraface") {
    return Status(errc::kInvalidConfiguration,
                  "face detector decode '" + spec.decode + "' is not supported (use ultraface)");
  }
  ASSIGN_OR_RETURN(auto session, OpenOnnxSession(spec.path, intra_op_threads, "face detector"));
  auto fd = std::unique_ptr<FaceDetector>(new FaceDetector(spec, std::move(session)));
  try {
    Ort::Session& s = *fd->session_;
    Ort::AllocatorWithDefaultOptions alloc;
    if (s.GetInputCount() != 1 || s.GetOutputCount() < 2) {
      return Status(errc::kInternalError,
                    "face model " + spec.path + " must have one input and outputs scores, boxes");
    }
    fd->input_name_ = s.GetInputNameAllocated(0, alloc).get();
    for (size_t i = 0; i < s.GetOutputCount(); ++i) {
      std::string name = s.GetOutputNameAllocated(i, alloc).get();
      auto shape = s.GetOutputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape();
      if (shape.size() == 3 && shape[2] == 2) fd->scores_name_ = name;
      if (shape.size() == 3 && shape[2] == 4) fd->boxes_name_ = name;
    }
    if (fd->scores_name_.empty() || fd->boxes_name_.empty()) {
      return Status(errc::kInternalError,
                    "face model " + spec.path + " lacks scores[1,A,2] and boxes[1,A,4] outputs");
    }
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, "face model " + spec.path + ": " + e.what());
  }
  auto trial = fd->Detect(cv::Mat(48, 64, CV_8UC3, cv::Scalar(90, 90, 90)));
  if (!trial.ok()) {
    return Status(errc::kInternalError,
                  "face model " + spec.path + " failed a trial run: " + trial.status().message());
  }
  return fd;
}

Result<std::vector<Face>> FaceDetector::Detect(const cv::Mat& bgr) const {
  if (bgr.empty() || bgr.type() != CV_8UC3)
    return Status(errc::kInternalError, "face detector needs a non-empty 8-bit BGR image");
  const InputSpec& in = spec_.input;
  std::vector<float> input(size_t(3) * in.width * in.height);
  InputGeometry geo = FillInputTensor(bgr, in, input.data());
  try {
    Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    const std::array<int64_t, 4> shape = in.layout == InputSpec::Layout::kNCHW
                                             ? std::array<int64_t, 4>{1, 3, in.height, in.width}
                                             : std::array<int64_t, 4>{1, in.height, in.width, 3};
    Ort::Value tensor = Ort::Value::CreateTensor<float>(mem, input.data(), input.size(),
                                                        shape.data(), shape.size());
    const char* in_names[] = {input_name_.c_str()};
    const char* out_names[] = {scores_name_.c_str(), boxes_name_.c_str()};
    auto out = session_->Run(Ort::RunOptions{nullptr}, in_names, &tensor, 1, out_names, 2);
    const auto sshape = out[0].GetTensorTypeAndShapeInfo().GetShape();
    const auto bshape = out[1].GetTensorTypeAndShapeInfo().GetShape();
    if (sshape.size() != 3 || bshape.size() != 3 || sshape[1] != bshape[1])
      return Status(errc::kInternalError, "face detector output has an unexpected shape");
    const float* scores = out[0].GetTensorData<float>();
    const float* boxes = out[1].GetTensorData<float>();
    std::vector<cv::Rect2f> cand;
    std::vector<float> cand_score;
    for (int64_t a = 0; a < sshape[1]; ++a) {
      float s = scores[a * 2 + 1];
      if (s < score_threshold_) continue;
      const float* b = boxes + a * 4;
      // Fractions of the input → input pixels → original pixels.
      float x1 = (b[0] * in.width - geo.pad_x) / geo.scale_x;
      float y1 = (b[1] * in.height - geo.pad_y) / geo.scale_y;
      float x2 = (b[2] * in.width - geo.pad_x) / geo.scale_x;
      float y2 = (b[3] * in.height - geo.pad_y) / geo.scale_y;
      cand.emplace_back(x1, y1, x2 - x1, y2 - y1);
      cand_score.push_back(s);
    }
    std::vector<Face> faces;
    for (int i : NmsIndices(cand, cand_score, nms_iou_)) {
      cv::Rect r =
          cv::Rect(cv::Point(int(std::lround(cand[i].x)), int(std::lround(cand[i].y))),
                   cv::Point(int(std::lround(cand[i].br().x)), int(std::lround(cand[i].br().y)))) &
          cv::Rect(0, 0, bgr.cols, bgr.rows);
      if (r.width < min_face_px_ || r.height < min_face_px_) continue;
      faces.push_back({Box{r.x, r.y, r.width, r.height}, cand_score[i]});
    }
    return faces;
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, std::string("face detection failed: ") + e.what());
  }
}

}  // namespace kanjian::vision
