// Few-shot attribute heads: a multinomial logistic regression on embeddings
// (embedder.h) of a body region, fitted by `kanjian model train-attribute`
// and saved as JSON:
//   {"format":"kanjian-attribute-head/1","attribute":"反光衣识别",
//    "region":"upper","embedder":"yolov5s_embed.onnx","dim":512,
//    "labels":[...],"mean":[dim],"inv_std":[dim],"weights":[[dim]…],
//    "bias":[…],"training":{…}}
// p = softmax(W · ((x - mean) * inv_std) + b), x the L2-normalised embedding.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "vision/models/attribute_classifier.h"

namespace kanjian::vision {

struct AttributeHead {
  std::string attribute;
  std::string region = "full";
  std::string embedder;  // the embedder file it was trained on (informational)
  int dim = 0;
  std::vector<std::string> labels;
  std::vector<float> mean, inv_std;
  std::vector<std::vector<float>> weights;  // [labels.size()][dim]
  std::vector<float> bias;
  nlohmann::json training = nlohmann::json::object();  // counts, accuracy…

  // Softmax probabilities, one per label. REQUIRES: x.size() == dim.
  std::vector<float> Probabilities(const std::vector<float>& x) const;
  int Predict(const std::vector<float>& x) const;

  nlohmann::json ToJson() const;
  static Result<AttributeHead> FromJson(const nlohmann::json& j, const std::string& where);
  static Result<AttributeHead> LoadFile(const std::string& path);
  Status SaveFile(const std::string& path) const;
};

struct HeadTrainOptions {
  int epochs = 400;
  float learning_rate = 0.1f;
  float l2 = 1e-3f;
};

// Fits a head on embeddings x[i] with label index y[i] into `labels`.
// Errors: fewer than 2 labels, a label without examples, size mismatches.
Result<AttributeHead> FitAttributeHead(const std::string& attribute,
                                       const std::vector<std::string>& labels,
                                       const std::vector<std::vector<float>>& x,
                                       const std::vector<int>& y, const HeadTrainOptions& options);

std::unique_ptr<AttributeClassifier> MakeHeadClassifier(
    AttributeHead head, std::shared_ptr<const class Embedder> embedder, const std::string& region);

}  // namespace kanjian::vision
