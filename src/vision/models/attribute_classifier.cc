#include "vision/models/attribute_classifier.h"

#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <utility>

#include "common/error_codes.h"
#include "vision/models/attribute_builtin.h"
#include "vision/models/attribute_head.h"
#include "vision/models/embedder.h"
#include "vision/runtime/onnx_session.h"

namespace kanjian::vision {
namespace {

const std::map<std::string, std::vector<std::string>, std::less<>>& LabelTable() {
  static const auto* kTable = new std::map<std::string, std::vector<std::string>, std::less<>>{
      {"厨师服识别", {"无厨师服", "有厨师服"}},
      {"厨师帽识别", {"无厨师帽", "有厨师帽"}},
      {"赤膊识别", {"非赤膊", "赤膊"}},
      {"口罩识别", {"无口罩", "有口罩", "口罩不确定"}},
      {"安全帽识别", {"无安全帽", "有安全帽"}},
      {"玩手机识别", {"没有电话", "打电话", "玩手机"}},
      {"抽烟识别", {"没有抽烟", "抽烟"}},
      {"工地安全带识别", {"无工地安全带", "工地安全带"}},
      {"手套识别", {"无手套", "有手套", "手套不确定"}},
      {"工服识别", {"无工服", "有工服"}},
      {"护目镜识别", {"无护目镜", "有护目镜"}},
      {"反光衣识别", {"无反光衣", "有反光衣"}},
  };
  return *kTable;
}

// An operator's ONNX classifier: one image input, one [1,K] output decoded
// as "softmax" (logits), "sigmoid" (K=1: P(label[1])) or "probs".
class OnnxAttributeClassifier : public AttributeClassifier {
 public:
  OnnxAttributeClassifier(AttributeSpec spec, std::unique_ptr<Ort::Session> session, std::string in,
                          std::string out)
      : spec_(std::move(spec)),
        session_(std::move(session)),
        in_(std::move(in)),
        out_(std::move(out)) {}

  Result<AttributeJudgement> Judge(const BodyContext& body) const override {
    cv::Rect r = BodyRegion(body, spec_.region);
    if (r.area() <= 0) return Status(errc::kInternalError, "empty body region");
    const InputSpec& in = spec_.model.input;
    std::vector<float> input(size_t(3) * in.width * in.height);
    FillInputTensor(body.image(r), in, input.data());
    try {
      Ort::MemoryInfo mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
      const std::array<int64_t, 4> shape = in.layout == InputSpec::Layout::kNCHW
                                               ? std::array<int64_t, 4>{1, 3, in.height, in.width}
                                               : std::array<int64_t, 4>{1, in.height, in.width, 3};
      Ort::Value t = Ort::Value::CreateTensor<float>(mem, input.data(), input.size(), shape.data(),
                                                     shape.size());
      const char* in_names[] = {in_.c_str()};
      const char* out_names[] = {out_.c_str()};
      auto out = session_->Run(Ort::RunOptions{nullptr}, in_names, &t, 1, out_names, 1);
      const size_t k = out[0].GetTensorTypeAndShapeInfo().GetElementCount();
      const float* v = out[0].GetTensorData<float>();
      const auto& labels = spec_.model.labels;
      std::vector<float> p(v, v + k);
      if (spec_.model.decode == "sigmoid") {
        if (k != 1 || labels.size() != 2)
          return Status(errc::kInternalError, "sigmoid classifier must output one value");
        float s = 1.f / (1.f + std::exp(-p[0]));
        p = {1 - s, s};
      } else if (spec_.model.decode == "softmax") {
        float m = *std::max_element(p.begin(), p.end());
        float sum = 0;
        for (float& x : p) sum += (x = std::exp(x - m));
        for (float& x : p) x /= sum;
      }
      if (p.size() != labels.size())
        return Status(errc::kInternalError, "classifier for " + spec_.name + " output " +
                                                std::to_string(p.size()) + " values for " +
                                                std::to_string(labels.size()) + " labels");
      size_t best = size_t(std::max_element(p.begin(), p.end()) - p.begin());
      return AttributeJudgement{labels[best], std::clamp(p[best], 0.f, 1.f)};
    } catch (const Ort::Exception& e) {
      return Status(errc::kInternalError, "classifier for " + spec_.name + ": " + e.what());
    }
  }

 private:
  const AttributeSpec spec_;
  const std::unique_ptr<Ort::Session> session_;
  const std::string in_, out_;
};

cv::Rect Clip(cv::Rect r, const cv::Mat& image) {
  return r & cv::Rect(0, 0, image.cols, image.rows);
}

}  // namespace

const std::vector<std::string>& AttributeLabels(std::string_view attribute) {
  static const std::vector<std::string> kNone;
  auto it = LabelTable().find(attribute);
  return it == LabelTable().end() ? kNone : it->second;
}

const std::vector<std::string>& ChefDressAttributes() {
  static const std::vector<std::string> k = {"厨师服识别", "厨师帽识别", "赤膊识别", "口罩识别"};
  return k;
}

const std::vector<std::string>& SecurityAttributes() {
  static const std::vector<std::string> k = {"安全帽识别", "玩手机识别",     "抽烟识别",
                                             "口罩识别",   "工地安全带识别", "手套识别",
                                             "工服识别",   "护目镜识别",     "反光衣识别"};
  return k;
}

cv::Rect BodyRegion(const BodyContext& body, std::string_view region) {
  const cv::Rect& b = body.body;
  if (region == "head") {
    const Face* best = nullptr;
    for (const Face& f : body.faces)
      if (!best || f.score > best->score) best = &f;
    if (best) {
      const Box& f = best->box;
      int w = int(f.width * 1.6), h = int(f.height * 1.6);
      return Clip(
          cv::Rect(f.x + f.width / 2 - w / 2, f.y + f.height / 2 - h / 2 - f.height / 5, w, h),
          body.image);
    }
    return Clip(cv::Rect(b.x, b.y, b.width, std::max(1, int(b.height * 0.22))), body.image);
  }
  if (region == "upper")
    return Clip(
        cv::Rect(b.x, b.y + int(b.height * 0.15), b.width, std::max(1, int(b.height * 0.45))),
        body.image);
  if (region == "lower")
    return Clip(
        cv::Rect(b.x, b.y + int(b.height * 0.55), b.width, std::max(1, int(b.height * 0.45))),
        body.image);
  return Clip(b, body.image);
}

Result<std::unique_ptr<AttributeClassifier>> MakeAttributeClassifier(
    const AttributeSpec& spec, std::shared_ptr<const Embedder> embedder, int intra_op_threads) {
  if (spec.method == "builtin") return MakeBuiltinClassifier(spec.name, spec.builtin);
  if (spec.method == "head") {
    if (!embedder) {
      return Status(
          errc::kInvalidConfiguration,
          "attribute " + spec.name + " uses a trained head but no embedder is configured");
    }
    ASSIGN_OR_RETURN(auto head, AttributeHead::LoadFile(spec.model.path));
    if (head.attribute != spec.name) {
      return Status(errc::kInvalidConfiguration, "head " + spec.model.path + " was trained for " +
                                                     head.attribute + ", not " + spec.name);
    }
    for (const auto& l : head.labels) {
      const auto& allowed = AttributeLabels(spec.name);
      if (std::find(allowed.begin(), allowed.end(), l) == allowed.end())
        return Status(errc::kInvalidConfiguration, "head " + spec.model.path + ": label '" + l +
                                                       "' is not one of " + spec.name +
                                                       "'s labels");
    }
    if (head.dim != embedder->dim()) {
      return Status(errc::kInvalidConfiguration,
                    "head " + spec.model.path + " expects " + std::to_string(head.dim) +
                        "-d embeddings; the embedder gives " + std::to_string(embedder->dim()));
    }
    return MakeHeadClassifier(std::move(head), std::move(embedder), spec.region);
  }
  // "onnx"
  ASSIGN_OR_RETURN(auto session,
                   OpenOnnxSession(spec.model.path, intra_op_threads, "attribute " + spec.name));
  std::string in, out;
  try {
    Ort::AllocatorWithDefaultOptions alloc;
    in = session->GetInputNameAllocated(0, alloc).get();
    out = session->GetOutputNameAllocated(0, alloc).get();
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError, "attribute model " + spec.model.path + ": " + e.what());
  }
  auto c = std::make_unique<OnnxAttributeClassifier>(spec, std::move(session), in, out);
  // Trial run: catches wrong input sizes and label counts at start.
  cv::Mat probe(128, 64, CV_8UC3, cv::Scalar(100, 110, 120));
  std::vector<Detection> no_dets;
  std::vector<Face> no_faces;
  auto trial = c->Judge(BodyContext{probe, cv::Rect(0, 0, 64, 128), no_dets, no_faces});
  if (!trial.ok()) {
    return Status(errc::kInternalError, "attribute model " + spec.model.path +
                                            " failed a trial run: " + trial.status().message());
  }
  return std::unique_ptr<AttributeClassifier>(std::move(c));
}

}  // namespace kanjian::vision
