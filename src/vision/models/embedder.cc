#include "vision/models/embedder.h"

#include <onnxruntime_cxx_api.h>

#include <array>
#include <cmath>
#include <utility>

#include "common/error_codes.h"

namespace kanjian::vision {

Embedder::Embedder(ModelSpec spec, std::unique_ptr<Ort::Session> session, int dim,
                   std::string input_name, std::string output_name)
    : spec_(std::move(spec)),
      session_(std::move(session)),
      dim_(dim),
      input_name_(std::move(input_name)),
      output_name_(std::move(output_name)) {}

Embedder::~Embedder() = default;

Result<std::unique_ptr<Embedder>> Embedder::Load(const ModelSpec& spec, int intra_op_threads) {
  ASSIGN_OR_RETURN(auto session, OpenOnnxSession(spec.path, intra_op_threads, "embedder"));
  Ort::Session& s = *session;
  int dim = 0;
  std::string input_name, output_name;
  try {
    std::vector<int64_t> out = s.GetOutputTypeInfo(0).GetTensorTypeAndShapeInfo().GetShape();
    bool ok_shape = s.GetInputCount() == 1 && out.size() >= 2 && out[1] > 0;
    for (size_t d = 2; d < out.size(); ++d) ok_shape = ok_shape && out[d] == 1;
    if (!ok_shape) {
      return Status(errc::kInternalError, "embedder model " + spec.path +
                                              " must take one image and output [N,D] or [N,D,1,1]");
    }
    dim = int(out[1]);
    Ort::AllocatorWithDefaultOptions alloc;
    input_name = s.GetInputNameAllocated(0, alloc).get();
    output_name = s.GetOutputNameAllocated(0, alloc).get();
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, "embedder model " + spec.path + ": " + e.what());
  }
  auto embedder = std::unique_ptr<Embedder>(
      new Embedder(spec, std::move(session), dim, std::move(input_name), std::move(output_name)));
  // A trial run catches an input size or layout the model does not take.
  auto trial = embedder->Embed(cv::Mat(64, 32, CV_8UC3, cv::Scalar(127, 127, 127)));
  if (!trial.ok()) {
    return Status(errc::kInternalError, "embedder model " + spec.path +
                                            " failed a trial run: " + trial.status().message());
  }
  return embedder;
}

Result<std::vector<float>> Embedder::Embed(const cv::Mat& bgr_crop) const {
  ASSIGN_OR_RETURN(auto batch, EmbedBatch({bgr_crop}));
  return std::move(batch[0]);
}

Result<std::vector<std::vector<float>>> Embedder::EmbedBatch(
    const std::vector<cv::Mat>& crops) const {
  const InputSpec& in = spec_.input;
  const int64_t n = int64_t(crops.size());
  if (n == 0) return std::vector<std::vector<float>>{};
  for (const cv::Mat& c : crops) {
    if (c.empty() || c.type() != CV_8UC3)
      return Status(errc::kInternalError, "embedder needs non-empty 8-bit BGR crops");
  }
  const size_t per = size_t(3) * in.width * in.height;
  std::vector<float> input(per * n);
  for (int64_t i = 0; i < n; ++i) FillInputTensor(crops[i], in, input.data() + per * i);
  try {
    Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    const std::array<int64_t, 4> shape = in.layout == InputSpec::Layout::kNCHW
                                             ? std::array<int64_t, 4>{n, 3, in.height, in.width}
                                             : std::array<int64_t, 4>{n, in.height, in.width, 3};
    Ort::Value tensor = Ort::Value::CreateTensor<float>(mem, input.data(), input.size(),
                                                        shape.data(), shape.size());
    const char* in_names[] = {input_name_.c_str()};
    const char* out_names[] = {output_name_.c_str()};
    auto outputs = session_->Run(Ort::RunOptions{nullptr}, in_names, &tensor, 1, out_names, 1);
    const auto oshape = outputs[0].GetTensorTypeAndShapeInfo().GetShape();
    if (oshape.size() < 2 || oshape[0] != n || oshape[1] != dim_)
      return Status(errc::kInternalError, "embedder output has an unexpected shape");
    const float* data = outputs[0].GetTensorData<float>();
    std::vector<std::vector<float>> result;
    for (int64_t i = 0; i < n; ++i) {
      std::vector<float> v(data + i * dim_, data + (i + 1) * dim_);
      L2Normalize(&v);
      result.push_back(std::move(v));
    }
    return result;
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, std::string("embedding failed: ") + e.what());
  }
}

float Similarity(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return 0;
  double dot = 0;
  for (size_t i = 0; i < a.size(); ++i) dot += double(a[i]) * b[i];
  return float(dot);
}

void L2Normalize(std::vector<float>* v) {
  double sum = 0;
  for (float x : *v) sum += double(x) * x;
  if (sum <= 0) return;
  const float inv = float(1.0 / std::sqrt(sum));
  for (float& x : *v) x *= inv;
}

}  // namespace kanjian::vision
