// Image embedder: a crop → an L2-normalised feature vector, for few-shot
// attribute heads (attribute_head.h) and product SKU matching.
//
// API (stable; other recognizers may rely on it):
//   auto e = Embedder::Load(spec, threads);           // spec: ModelsConfig task "embedder"
//   Result<std::vector<float>> v = (*e)->Embed(bgr);  // any size CV_8UC3 crop
//   v->size() == (*e)->dim(); sum(v[i]^2) == 1 (all-zero output stays zero)
//   cosine similarity of two embeddings = their dot product (Similarity()).
// Thread-safe: one ORT session shared by all callers.
//
// Bundled model (scripts/convert_yolov5.py --embed-output): the YOLOv5s
// backbone up to SPPF, global-average pooled: images[N,3,H,W] RGB 0..1 →
// embedding[N,512]; fed 256x256 letterboxed crops. Any ONNX with one image
// input and one [N,D] (or [N,D,1,1]) output works with its own InputSpec.
#pragma once

#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "vision/runtime/model_spec.h"
#include "vision/runtime/onnx_session.h"

namespace kanjian::vision {

class Embedder {
 public:
  static Result<std::unique_ptr<Embedder>> Load(const ModelSpec& spec, int intra_op_threads = 1);
  ~Embedder();
  Embedder(const Embedder&) = delete;
  Embedder& operator=(const Embedder&) = delete;

  // REQUIRES: bgr_crop non-empty CV_8UC3.
  Result<std::vector<float>> Embed(const cv::Mat& bgr_crop) const;
  // One Run() for several crops; result[i] belongs to crops[i].
  Result<std::vector<std::vector<float>>> EmbedBatch(const std::vector<cv::Mat>& crops) const;

  int dim() const { return dim_; }
  const ModelSpec& spec() const { return spec_; }

 private:
  Embedder(ModelSpec spec, std::unique_ptr<Ort::Session> session, int dim, std::string input_name,
           std::string output_name);

  // Constant after construction.
  const ModelSpec spec_;
  const std::unique_ptr<Ort::Session> session_;
  const int dim_;
  const std::string input_name_;
  const std::string output_name_;
};

// Dot product of two L2-normalised vectors (cosine similarity); 0 if sizes differ.
float Similarity(const std::vector<float>& a, const std::vector<float>& b);

// Scales v to unit length in place (all-zero stays zero).
void L2Normalize(std::vector<float>* v);

}  // namespace kanjian::vision
