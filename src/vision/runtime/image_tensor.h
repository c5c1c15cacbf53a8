// The one place an image becomes a float input tensor (every model: the
// detector, faces, the embedder, attribute classifiers, OCR). Each model
// describes its input with an InputSpec; FillInputTensor writes the pixels.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <opencv2/core/mat.hpp>
#include <string>

#include "common/status.h"

namespace kanjian::vision {

// How an image becomes a float input tensor:
//   v = pixel(0..255) * scale; v = (v - mean[c]) / std[c]
// with channels in `rgb` (else BGR) order, `layout` NCHW or NHWC, the image
// stretched to width x height or letterboxed (aspect kept, padded with `pad`,
// centred).
struct InputSpec {
  enum class Layout { kNCHW, kNHWC };
  enum class Resize { kStretch, kLetterbox };
  int width = 0;
  int height = 0;
  Layout layout = Layout::kNCHW;
  bool rgb = true;
  float scale = 1.0f / 255;
  std::array<float, 3> mean = {0, 0, 0};
  std::array<float, 3> std = {1, 1, 1};
  Resize resize = Resize::kStretch;
  int pad = 114;
};

// Where the image went inside the tensor: input = (orig * scale) + pad.
struct InputGeometry {
  float scale_x = 1, scale_y = 1;
  int pad_x = 0, pad_y = 0;
};

// Writes one BGR image into dst (3 * width * height floats).
// REQUIRES: bgr non-empty CV_8UC3, spec.width/height > 0.
InputGeometry FillInputTensor(const cv::Mat& bgr, const InputSpec& spec, float* dst);

// The smallest letterbox canvas that holds an image of `image` size scaled
// so its longer side is `max_side`: each side rounded up to a multiple of
// `stride` (YOLOv5's rectangular inference; 1280x720 -> 640x384 at 640/32).
// Never larger than max_side x max_side. REQUIRES: image non-empty,
// max_side a positive multiple of stride.
cv::Size StrideAlignedSize(cv::Size image, int max_side, int stride);

// Parses {"width","height","layout","channels","scale","mean","std","resize","pad"}.
Result<InputSpec> ParseInputSpec(const nlohmann::json& j, const std::string& where);

}  // namespace kanjian::vision
