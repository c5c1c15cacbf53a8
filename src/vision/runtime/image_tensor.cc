#include "vision/runtime/image_tensor.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "common/error_codes.h"

namespace kanjian::vision {
namespace {

using nlohmann::json;

Result<std::array<float, 3>> Triple(const json& j, const std::string& name, float dflt,
                                    const std::string& where) {
  if (!j.contains(name)) return std::array<float, 3>{dflt, dflt, dflt};
  const json& v = j[name];
  if (v.is_number()) return std::array<float, 3>{v.get<float>(), v.get<float>(), v.get<float>()};
  if (v.is_array() && v.size() == 3 && v[0].is_number() && v[1].is_number() && v[2].is_number())
    return std::array<float, 3>{v[0].get<float>(), v[1].get<float>(), v[2].get<float>()};
  return Status(errc::kInvalidConfiguration, where + ": input." + name + " must be 3 numbers");
}

}  // namespace

InputGeometry FillInputTensor(const cv::Mat& bgr, const InputSpec& spec, float* dst) {
  const int W = spec.width, H = spec.height;
  InputGeometry g;
  cv::Mat canvas;
  if (spec.resize == InputSpec::Resize::kLetterbox) {
    float s = std::min(float(W) / bgr.cols, float(H) / bgr.rows);
    int w = std::min(W, std::max(1, int(std::lround(bgr.cols * s))));
    int h = std::min(H, std::max(1, int(std::lround(bgr.rows * s))));
    g = {s, s, (W - w) / 2, (H - h) / 2};
    canvas = cv::Mat(H, W, CV_8UC3, cv::Scalar::all(spec.pad));
    cv::Mat roi = canvas(cv::Rect(g.pad_x, g.pad_y, w, h));
    if (w == bgr.cols && h == bgr.rows)
      bgr.copyTo(roi);
    else
      cv::resize(bgr, roi, roi.size(), 0, 0, cv::INTER_LINEAR);
  } else {
    g = {float(W) / bgr.cols, float(H) / bgr.rows, 0, 0};
    if (bgr.cols == W && bgr.rows == H)
      canvas = bgr;
    else
      cv::resize(bgr, canvas, cv::Size(W, H), 0, 0, cv::INTER_LINEAR);
  }
  // Channel c of the tensor takes BGR channel src[c].
  const int src[3] = {spec.rgb ? 2 : 0, 1, spec.rgb ? 0 : 2};
  float mul[3], add[3];
  for (int c = 0; c < 3; ++c) {
    mul[c] = spec.scale / spec.std[c];
    add[c] = -spec.mean[c] / spec.std[c];
  }
  const size_t plane = size_t(W) * H;
  if (spec.layout == InputSpec::Layout::kNCHW) {
    // OpenCV's vectorised split and convertTo: the detector fills 640x640x3
    // floats per request, several times faster than a scalar loop.
    cv::Mat bytes[3];
    cv::split(canvas, bytes);
    for (int c = 0; c < 3; ++c) {
      cv::Mat out(H, W, CV_32FC1, dst + c * plane);
      bytes[src[c]].convertTo(out, CV_32F, mul[c], add[c]);
    }
    return g;
  }
  for (int y = 0; y < H; ++y) {
    const uint8_t* row = canvas.ptr<uint8_t>(y);
    for (int x = 0; x < W; ++x) {
      const uint8_t* px = row + ptrdiff_t{3} * x;
      const size_t i = size_t(y) * W + x;
      for (int c = 0; c < 3; ++c) dst[i * 3 + c] = px[src[c]] * mul[c] + add[c];
    }
  }
  return g;
}

cv::Size StrideAlignedSize(cv::Size image, int max_side, int stride) {
  const float s = float(max_side) / std::max(image.width, image.height);
  auto up = [&](int v) {
    int scaled = std::max(1, int(std::lround(v * s)));
    return std::min(max_side, (scaled + stride - 1) / stride * stride);
  };
  return cv::Size(up(image.width), up(image.height));
}

Result<InputSpec> ParseInputSpec(const json& j, const std::string& where) {
  if (!j.is_object())
    return Status(errc::kInvalidConfiguration, where + ": input must be an object");
  InputSpec s;
  try {
    s.width = j.value("width", 0);
    s.height = j.value("height", 0);
    std::string layout = j.value("layout", "NCHW"), channels = j.value("channels", "RGB"),
                resize = j.value("resize", "stretch");
    if (layout != "NCHW" && layout != "NHWC")
      return Status(errc::kInvalidConfiguration, where + ": input.layout must be NCHW or NHWC");
    if (channels != "RGB" && channels != "BGR")
      return Status(errc::kInvalidConfiguration, where + ": input.channels must be RGB or BGR");
    if (resize != "stretch" && resize != "letterbox")
      return Status(errc::kInvalidConfiguration,
                    where + ": input.resize must be stretch or letterbox");
    s.layout = layout == "NCHW" ? InputSpec::Layout::kNCHW : InputSpec::Layout::kNHWC;
    s.rgb = channels == "RGB";
    s.resize = resize == "letterbox" ? InputSpec::Resize::kLetterbox : InputSpec::Resize::kStretch;
    s.scale = j.value("scale", 1.0f / 255);
    s.pad = j.value("pad", 114);
  } catch (const json::exception& e) {
    return Status(errc::kInvalidConfiguration, where + ": input: " + e.what());
  }
  if (s.width <= 0 || s.height <= 0 || s.width > 4096 || s.height > 4096)
    return Status(errc::kInvalidConfiguration, where + ": input.width/height must be 1..4096");
  ASSIGN_OR_RETURN(s.mean, Triple(j, "mean", 0, where));
  ASSIGN_OR_RETURN(s.std, Triple(j, "std", 1, where));
  for (float v : s.std)
    if (v == 0) return Status(errc::kInvalidConfiguration, where + ": input.std must not be 0");
  return s;
}
}  // namespace kanjian::vision
