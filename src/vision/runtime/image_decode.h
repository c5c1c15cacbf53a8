// Image bytes -> BGR pixels, with the API's input limits (docs/api.md §4) checked
// before any pixel is decoded: size, format by magic bytes, resolution from
// the header, and truncation.
#pragma once

#include <cstddef>
#include <opencv2/core/mat.hpp>
#include <string_view>

#include "common/status.h"

namespace kanjian::vision {

enum class ImageFormat { kJpeg, kPng, kBmp };

struct ImageLimits {
  size_t max_bytes = 4u << 20;
  // The resolution limit ignores orientation: the long side must be at most
  // max(max_width, max_height) and the short side at most the min, so a
  // portrait 2160x3840 photo passes the 3840x2160 limit.
  int max_width = 3840;
  int max_height = 2160;
  bool allow_bmp = true;
  bool jpg_only = false;
};

struct ImageInfo {
  ImageFormat format;
  int width;  // as stored, before EXIF orientation
  int height;
};

// Checks size, format, resolution and completeness from the bytes alone,
// without decoding pixels. Cheap enough for an I/O thread.
// Errors: errc::kEmptyImage, kImageSizeExceed, kImageNotSupported,
// kImageDecodeFailed (bad or truncated header/data), kImageResolutionExceed.
Result<ImageInfo> InspectImage(std::string_view bytes, const ImageLimits& limits);

// InspectImage, then decodes to 8-bit BGR (CV_8UC3). JPEG EXIF orientation is
// applied. `bytes` are raw image bytes (already base64-decoded).
Result<cv::Mat> DecodeImage(std::string_view bytes, const ImageLimits& limits);

}  // namespace kanjian::vision
