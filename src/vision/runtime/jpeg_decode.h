// JPEG → 8-bit BGR with libjpeg(-turbo) directly rather than through
// cv::imdecode, because only here can we see libjpeg's warnings: a JPEG
// whose entropy-coded data ends before the last pixel (a cut-off upload,
// with or without an EOI marker appended) is decoded by libjpeg as grey
// rows and a warning, which imdecode swallows. We refuse it instead of
// answering on a half-grey picture.
#pragma once

#include <opencv2/core/mat.hpp>
#include <string_view>

#include "common/status.h"

namespace kanjian::vision {

// Decodes a JPEG to CV_8UC3 BGR (grey and CMYK converted as cv::imdecode
// does), with its EXIF orientation applied. errc::kImageDecodeFailed when
// libjpeg fails, or warns that the data ended early ("the JPEG is
// truncated"). Other libjpeg warnings (extraneous bytes between markers,
// which many cameras write) are accepted, like imdecode does.
Result<cv::Mat> DecodeJpeg(std::string_view bytes);

}  // namespace kanjian::vision
