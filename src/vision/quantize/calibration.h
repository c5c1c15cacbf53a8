// Calibration for static INT8 quantization: the range of every activation
// of a model over a set of photos, measured with ONNX Runtime on the FP32
// model. scripts/int8/qdq.py makes the model whose outputs are those
// activations (`augment`) and turns the ranges into a QDQ graph (`rewrite`);
// docs/developers/int8.md describes the whole tool.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "vision/runtime/image_tensor.h"

namespace kanjian::vision {

struct TensorRange {
  float min = 0;
  float max = 0;
};

struct CalibrationInput {
  std::string model_path;           // every float output is measured
  InputSpec spec;                   // how a photo becomes the input tensor
  bool stride_letterbox = false;    // each photo at its own aspect (letterbox "stride")
  std::vector<std::string> images;  // photo files, in order
};

// Runs the model once per photo on one intra-op thread (so the figures do
// not depend on the machine's core count) and returns min/max per output
// name. Errors name the model or the photo.
Result<std::map<std::string, TensorRange>> CalibrateRanges(const CalibrationInput& in);

}  // namespace kanjian::vision
