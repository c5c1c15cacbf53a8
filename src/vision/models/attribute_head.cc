#include "vision/models/attribute_head.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error_codes.h"
#include "vision/models/embedder.h"

namespace kanjian::vision {
namespace {

constexpr char kFormat[] = "kanjian-attribute-head/1";

void Softmax(std::vector<float>* z) {
  float m = *std::max_element(z->begin(), z->end());
  float sum = 0;
  for (float& v : *z) sum += (v = std::exp(v - m));
  for (float& v : *z) v /= sum;
}

class HeadClassifier : public AttributeClassifier {
 public:
  HeadClassifier(AttributeHead head, std::shared_ptr<const Embedder> embedder, std::string region)
      : head_(std::move(head)), embedder_(std::move(embedder)), region_(std::move(region)) {}

  Result<AttributeJudgement> Judge(const BodyContext& body) const override {
    cv::Rect r = BodyRegion(body, region_);
    if (r.area() <= 0) return Status(errc::kInternalError, "empty body region");
    ASSIGN_OR_RETURN(auto e, embedder_->Embed(body.image(r)));
    std::vector<float> p = head_.Probabilities(e);
    size_t best = size_t(std::max_element(p.begin(), p.end()) - p.begin());
    return AttributeJudgement{head_.labels[best], p[best]};
  }

 private:
  const AttributeHead head_;
  const std::shared_ptr<const Embedder> embedder_;
  const std::string region_;
};

}  // namespace

std::vector<float> AttributeHead::Probabilities(const std::vector<float>& x) const {
  std::vector<float> z(labels.size());
  for (size_t k = 0; k < labels.size(); ++k) {
    double s = bias[k];
    for (int d = 0; d < dim; ++d) s += double(weights[k][d]) * (x[d] - mean[d]) * inv_std[d];
    z[k] = float(s);
  }
  Softmax(&z);
  return z;
}

int AttributeHead::Predict(const std::vector<float>& x) const {
  auto p = Probabilities(x);
  return int(std::max_element(p.begin(), p.end()) - p.begin());
}

nlohmann::json AttributeHead::ToJson() const {
  return {
      {"format", kFormat},  {"attribute", attribute}, {"region", region},    {"embedder", embedder},
      {"dim", dim},         {"labels", labels},       {"mean", mean},        {"inv_std", inv_std},
      {"weights", weights}, {"bias", bias},           {"training", training}};
}

Result<AttributeHead> AttributeHead::FromJson(const nlohmann::json& j, const std::string& where) {
  AttributeHead h;
  try {
    if (j.value("format", "") != kFormat)
      return Status(errc::kInvalidConfiguration, where + ": not a " + kFormat + " file");
    h.attribute = j.at("attribute").get<std::string>();
    h.region = j.value("region", "full");
    h.embedder = j.value("embedder", "");
    h.dim = j.at("dim").get<int>();
    h.labels = j.at("labels").get<std::vector<std::string>>();
    h.mean = j.at("mean").get<std::vector<float>>();
    h.inv_std = j.at("inv_std").get<std::vector<float>>();
    h.weights = j.at("weights").get<std::vector<std::vector<float>>>();
    h.bias = j.at("bias").get<std::vector<float>>();
    if (j.contains("training")) h.training = j["training"];
  } catch (const nlohmann::json::exception& e) {
    return Status(errc::kInvalidConfiguration, where + ": " + e.what());
  }
  bool ok = h.dim > 0 && h.labels.size() >= 2 && h.mean.size() == size_t(h.dim) &&
            h.inv_std.size() == size_t(h.dim) && h.weights.size() == h.labels.size() &&
            h.bias.size() == h.labels.size();
  for (const auto& w : h.weights) ok = ok && w.size() == size_t(h.dim);
  if (!ok) return Status(errc::kInvalidConfiguration, where + ": inconsistent head dimensions");
  return h;
}

Result<AttributeHead> AttributeHead::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(errc::kNotFound, "attribute head not found: " + path);
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status(errc::kInvalidConfiguration, path + ": not JSON");
  return FromJson(j, path);
}

Status AttributeHead::SaveFile(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << ToJson().dump() << "\n";
    if (!out) return Status(errc::kInternalError, "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status(errc::kInternalError, "cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

Result<AttributeHead> FitAttributeHead(const std::string& attribute,
                                       const std::vector<std::string>& labels,
                                       const std::vector<std::vector<float>>& x,
                                       const std::vector<int>& y, const HeadTrainOptions& opt) {
  const size_t k = labels.size(), n = x.size();
  if (k < 2) return Status(errc::kInvalidConfiguration, "a head needs at least two labels");
  if (n == 0 || y.size() != n) return Status(errc::kInvalidConfiguration, "no training examples");
  const int dim = int(x[0].size());
  std::vector<int> count(k, 0);
  for (size_t i = 0; i < n; ++i) {
    if (int(x[i].size()) != dim || y[i] < 0 || size_t(y[i]) >= k)
      return Status(errc::kInvalidConfiguration, "inconsistent training examples");
    ++count[y[i]];
  }
  for (size_t c = 0; c < k; ++c) {
    if (count[c] == 0)
      return Status(errc::kInvalidConfiguration, "label " + labels[c] + " has no examples");
  }
  AttributeHead h;
  h.attribute = attribute;
  h.labels = labels;
  h.dim = dim;
  h.mean.assign(dim, 0);
  h.inv_std.assign(dim, 1);
  for (const auto& v : x)
    for (int d = 0; d < dim; ++d) h.mean[d] += v[d] / float(n);
  for (int d = 0; d < dim; ++d) {
    double var = 0;
    for (const auto& v : x) var += double(v[d] - h.mean[d]) * (v[d] - h.mean[d]);
    h.inv_std[d] = float(1.0 / std::sqrt(var / n + 1e-6));
  }
  std::vector<std::vector<float>> z(n, std::vector<float>(dim));
  for (size_t i = 0; i < n; ++i)
    for (int d = 0; d < dim; ++d) z[i][d] = (x[i][d] - h.mean[d]) * h.inv_std[d];
  h.weights.assign(k, std::vector<float>(dim, 0));
  h.bias.assign(k, 0);
  // Full-batch gradient descent; classes weighted by 1/count so an
  // unbalanced folder does not bias the head.
  for (int epoch = 0; epoch < opt.epochs; ++epoch) {
    std::vector<std::vector<double>> gw(k, std::vector<double>(dim, 0));
    std::vector<double> gb(k, 0);
    for (size_t i = 0; i < n; ++i) {
      std::vector<float> p(k);
      for (size_t c = 0; c < k; ++c) {
        double s = h.bias[c];
        for (int d = 0; d < dim; ++d) s += double(h.weights[c][d]) * z[i][d];
        p[c] = float(s);
      }
      Softmax(&p);
      const double wi = double(n) / (double(k) * count[y[i]]) / double(n);
      for (size_t c = 0; c < k; ++c) {
        const double g = (p[c] - (int(c) == y[i] ? 1.0 : 0.0)) * wi;
        gb[c] += g;
        for (int d = 0; d < dim; ++d) gw[c][d] += g * z[i][d];
      }
    }
    for (size_t c = 0; c < k; ++c) {
      h.bias[c] -= float(opt.learning_rate * gb[c]);
      for (int d = 0; d < dim; ++d)
        h.weights[c][d] -= float(opt.learning_rate * (gw[c][d] + opt.l2 * h.weights[c][d]));
    }
  }
  int correct = 0;
  for (size_t i = 0; i < n; ++i) correct += h.Predict(x[i]) == y[i];
  h.training = {{"examples", n},
                {"per_label", count},
                {"train_accuracy", double(correct) / double(n)},
                {"epochs", opt.epochs},
                {"l2", opt.l2}};
  return h;
}

std::unique_ptr<AttributeClassifier> MakeHeadClassifier(AttributeHead head,
                                                        std::shared_ptr<const Embedder> embedder,
                                                        const std::string& region) {
  std::string r = region.empty() ? head.region : region;
  return std::make_unique<HeadClassifier>(std::move(head), std::move(embedder), std::move(r));
}

}  // namespace kanjian::vision
