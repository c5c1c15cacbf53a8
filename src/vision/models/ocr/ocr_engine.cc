#include "vision/models/ocr/ocr_engine.h"

#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <utility>

#include "common/error_codes.h"
#include "vision/runtime/image_tensor.h"
#include "vision/runtime/onnx_session.h"

namespace kanjian::vision::ocr {
namespace {

constexpr int kRecHeight = 48;
constexpr int kRecMinWidth = 48;
constexpr int kRecMaxWidth = 1280;

// An OCR session, checked for one [N,3,H,W] input and one output.
Result<std::unique_ptr<Ort::Session>> OpenSession(const std::string& path, int threads,
                                                  const char* what) {
  ASSIGN_OR_RETURN(auto session, OpenOnnxSession(path, threads, std::string("OCR ") + what));
  try {
    if (session->GetInputCount() != 1 || session->GetOutputCount() != 1) {
      return Status(errc::kInternalError, std::string("OCR ") + what + " model " + path +
                                              " must have one input and one output");
    }
    auto shape = session->GetInputTypeInfo(0).GetTensorTypeAndShapeInfo().GetShape();
    if (shape.size() != 4 || (shape[1] > 0 && shape[1] != 3)) {
      return Status(errc::kInternalError, std::string("OCR ") + what + " model " + path +
                                              " does not take [N,3,H,W] input");
    }
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError,
                  std::string("cannot load OCR ") + what + " model " + path + ": " + e.what());
  }
  return session;
}

// PaddleOCR's input: BGR, (v/255 - mean[c]) / std[c], planar, stretched.
InputSpec PaddleSpec(int width, int height, const std::array<float, 3>& mean,
                     const std::array<float, 3>& stdev) {
  InputSpec spec;
  spec.width = width;
  spec.height = height;
  spec.rgb = false;
  spec.mean = mean;
  spec.std = stdev;
  return spec;
}

std::vector<Ort::Value> RunOne(Ort::Session& session, std::vector<float>& input,
                               const std::array<int64_t, 4>& shape) {
  Ort::AllocatorWithDefaultOptions alloc;
  auto in_name = session.GetInputNameAllocated(0, alloc);
  auto out_name = session.GetOutputNameAllocated(0, alloc);
  Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  Ort::Value tensor =
      Ort::Value::CreateTensor<float>(mem, input.data(), input.size(), shape.data(), shape.size());
  const char* in_names[] = {in_name.get()};
  const char* out_names[] = {out_name.get()};
  return session.Run(Ort::RunOptions{nullptr}, in_names, &tensor, 1, out_names, 1);
}

}  // namespace

OcrEngine::OcrEngine(std::unique_ptr<Ort::Session> det, std::unique_ptr<Ort::Session> rec,
                     std::vector<std::string> charset)
    : det_(std::move(det)), rec_(std::move(rec)), charset_(std::move(charset)) {}

OcrEngine::~OcrEngine() = default;

Result<std::unique_ptr<OcrEngine>> OcrEngine::Load(const OcrConfig& config) {
  namespace fs = std::filesystem;
  ASSIGN_OR_RETURN(auto charset,
                   LoadCharset((fs::path(config.models_dir) / config.keys_file).string()));
  ASSIGN_OR_RETURN(auto det, OpenSession((fs::path(config.models_dir) / config.det_file).string(),
                                         config.intra_op_threads, "detection"));
  ASSIGN_OR_RETURN(auto rec, OpenSession((fs::path(config.models_dir) / config.rec_file).string(),
                                         config.intra_op_threads, "recognition"));
  try {
    auto out = rec->GetOutputTypeInfo(0).GetTensorTypeAndShapeInfo().GetShape();
    if (out.size() != 3 || (out[2] > 0 && out[2] < int64_t(charset.size()) + 1)) {
      return Status(errc::kInternalError,
                    "OCR recognition model " + config.rec_file + " has " +
                        (out.size() == 3 ? std::to_string(out[2]) : std::string("?")) +
                        " classes, fewer than the " + std::to_string(charset.size()) +
                        " characters of " + config.keys_file + " + blank");
    }
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, std::string("OCR recognition model: ") + e.what());
  }
  return std::unique_ptr<OcrEngine>(
      new OcrEngine(std::move(det), std::move(rec), std::move(charset)));
}

Result<std::vector<TextBox>> OcrEngine::DetectText(const cv::Mat& bgr,
                                                   const DetectOptions& options) const {
  if (bgr.empty() || bgr.type() != CV_8UC3) {
    return Status(errc::kInternalError, "OCR needs a non-empty 8-bit BGR image");
  }
  float ratio = std::min(1.f, float(options.max_side) / std::max(bgr.cols, bgr.rows));
  auto round32 = [](float v) { return std::max(32, int(std::lround(v / 32)) * 32); };
  const int w = round32(bgr.cols * ratio), h = round32(bgr.rows * ratio);
  // ImageNet mean/std, in the BGR order PaddleOCR feeds them.
  const InputSpec spec = PaddleSpec(w, h, {0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f});
  std::vector<float> input(size_t(3) * w * h);
  FillInputTensor(bgr, spec, input.data());
  try {
    auto outputs = RunOne(*det_, input, {1, 3, h, w});
    auto shape = outputs[0].GetTensorTypeAndShapeInfo().GetShape();
    if (shape.size() != 4 || shape[2] != h || shape[3] != w) {
      return Status(errc::kInternalError, "OCR detection output has an unexpected shape");
    }
    cv::Mat prob(h, w, CV_32FC1, const_cast<float*>(outputs[0].GetTensorData<float>()));
    return DbBoxes(prob, options.db, float(bgr.cols) / w, float(bgr.rows) / h, bgr.size());
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, std::string("OCR detection failed: ") + e.what());
  }
}

cv::Mat OcrEngine::CropBox(const cv::Mat& bgr, const TextBox& box) {
  const auto& c = box.corners;
  int width = int(std::lround(std::max(cv::norm(c[0] - c[1]), cv::norm(c[2] - c[3]))));
  int height = int(std::lround(std::max(cv::norm(c[0] - c[3]), cv::norm(c[1] - c[2]))));
  width = std::max(width, 1);
  height = std::max(height, 1);
  const cv::Point2f src[4] = {c[0], c[1], c[2], c[3]};
  const cv::Point2f dst[4] = {
      {0, 0}, {float(width), 0}, {float(width), float(height)}, {0, float(height)}};
  cv::Mat crop;
  cv::warpPerspective(bgr, crop, cv::getPerspectiveTransform(src, dst), cv::Size(width, height),
                      cv::INTER_CUBIC, cv::BORDER_REPLICATE);
  if (crop.rows >= 1.5 * crop.cols) cv::rotate(crop, crop, cv::ROTATE_90_COUNTERCLOCKWISE);
  return crop;
}

Result<DecodedText> OcrEngine::RecognizeLine(const cv::Mat& line_bgr) const {
  if (line_bgr.empty() || line_bgr.type() != CV_8UC3) {
    return Status(errc::kInternalError, "OCR needs a non-empty 8-bit BGR line image");
  }
  const float aspect = float(line_bgr.cols) / line_bgr.rows;
  const int w = std::clamp(int(std::ceil(kRecHeight * aspect)), kRecMinWidth, kRecMaxWidth);
  // PaddleOCR pads on the right to the batch width; a single line needs no padding
  // beyond rounding up to the minimum width.
  const int content_w = std::min(w, int(std::ceil(kRecHeight * aspect)));
  const int cw = std::max(1, content_w);
  std::vector<float> input(size_t(3) * kRecHeight * w, 0.f);  // 0 = grey 127.5 padding
  std::vector<float> content(size_t(3) * kRecHeight * cw);
  FillInputTensor(line_bgr, PaddleSpec(cw, kRecHeight, {0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}),
                  content.data());
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < kRecHeight; ++y) {
      std::copy_n(&content[(size_t(c) * kRecHeight + y) * cw], cw,
                  &input[(size_t(c) * kRecHeight + y) * w]);
    }
  }
  try {
    auto outputs = RunOne(*rec_, input, {1, 3, kRecHeight, w});
    auto shape = outputs[0].GetTensorTypeAndShapeInfo().GetShape();
    if (shape.size() != 3 || shape[0] != 1) {
      return Status(errc::kInternalError, "OCR recognition output has an unexpected shape");
    }
    return CtcGreedyDecode(outputs[0].GetTensorData<float>(), int(shape[1]), int(shape[2]),
                           charset_);
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, std::string("OCR recognition failed: ") + e.what());
  }
}

Result<std::vector<TextLine>> OcrEngine::Read(const cv::Mat& bgr,
                                              const DetectOptions& options) const {
  ASSIGN_OR_RETURN(auto boxes, DetectText(bgr, options));
  std::vector<TextLine> lines;
  for (const TextBox& box : boxes) {
    ASSIGN_OR_RETURN(auto text, RecognizeLine(CropBox(bgr, box)));
    if (text.text.empty()) continue;
    lines.push_back({box, std::move(text.text), text.confidence});
  }
  return lines;
}

}  // namespace kanjian::vision::ocr
