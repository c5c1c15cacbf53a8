#include "vision/quantize/calibration.h"

#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <opencv2/imgcodecs.hpp>

#include "common/error_codes.h"
#include "vision/runtime/onnx_session.h"

namespace kanjian::vision {
namespace {

constexpr int kLargestStride = 32;  // YOLOv5's largest stride

void Widen(const float* p, size_t n, TensorRange* r) {
  auto [lo, hi] = std::minmax_element(p, p + n);
  r->min = std::min(r->min, *lo);
  r->max = std::max(r->max, *hi);
}

}  // namespace

Result<std::map<std::string, TensorRange>> CalibrateRanges(const CalibrationInput& in) {
  if (in.images.empty())
    return Status(errc::kInvalidParameterValue, "calibration needs at least one photo");
  ASSIGN_OR_RETURN(auto session, OpenOnnxSession(in.model_path, /*threads=*/1, "calibration"));
  Ort::Session& s = *session;
  Ort::AllocatorWithDefaultOptions alloc;
  const std::string input_name = s.GetInputNameAllocated(0, alloc).get();
  std::vector<std::string> names;
  for (size_t i = 0; i < s.GetOutputCount(); ++i) {
    auto type = s.GetOutputTypeInfo(i);
    if (type.GetONNXType() == ONNX_TYPE_TENSOR &&
        type.GetTensorTypeAndShapeInfo().GetElementType() == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT)
      names.push_back(s.GetOutputNameAllocated(i, alloc).get());
  }
  std::vector<const char*> output_names;
  output_names.reserve(names.size());
  for (const auto& n : names) output_names.push_back(n.c_str());
  const char* input_names[] = {input_name.c_str()};

  std::map<std::string, TensorRange> ranges;
  const Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  for (const auto& path : in.images) {
    cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty()) return Status(errc::kImageDecodeFailed, "calibration: cannot read " + path);
    InputSpec spec = in.spec;
    if (in.stride_letterbox) {
      cv::Size size =
          StrideAlignedSize(bgr.size(), std::max(spec.width, spec.height), kLargestStride);
      spec.width = size.width;
      spec.height = size.height;
    }
    std::vector<float> tensor(size_t(3) * spec.width * spec.height);
    FillInputTensor(bgr, spec, tensor.data());
    const bool nhwc = spec.layout == InputSpec::Layout::kNHWC;
    const int64_t shape[] = {1, nhwc ? spec.height : 3, nhwc ? spec.width : spec.height,
                             nhwc ? 3 : spec.width};
    Ort::Value input = Ort::Value::CreateTensor<float>(mem, tensor.data(), tensor.size(), shape, 4);
    try {
      auto outputs = s.Run(Ort::RunOptions{nullptr}, input_names, &input, 1, output_names.data(),
                           output_names.size());
      for (size_t i = 0; i < outputs.size(); ++i) {
        const size_t n = outputs[i].GetTensorTypeAndShapeInfo().GetElementCount();
        if (n == 0) continue;
        const float* p = outputs[i].GetTensorData<float>();
        auto it = ranges.try_emplace(names[i], TensorRange{p[0], p[0]}).first;
        Widen(p, n, &it->second);
      }
    } catch (const Ort::Exception& e) {
      return Status(errc::kInternalError,
                    "calibration: " + in.model_path + " on " + path + ": " + e.what());
    }
  }
  return ranges;
}

}  // namespace kanjian::vision
