// vision::DecodeImage, the real decoder (OpenCV imdecode behind the header
// checks of InspectImage) with the API's limits. The first byte picks the
// limits an action uses: any format, JPG only, or no BMP. Properties: the
// decode fails whenever InspectImage does (same code); a decoded image is
// 8-bit BGR, of the size the header announced (or turned by EXIF), and
// within the resolution limit.
#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "vision/runtime/image_decode.h"

using namespace kanjian;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  cv::setNumThreads(1);  // the fuzzer measures one thread; the server's pool does the same work
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  vision::ImageLimits limits;
  switch (data[0] % 3) {
    case 1:
      limits.jpg_only = true;
      limits.allow_bmp = false;
      break;  // RecognizeCar & co.
    case 2:
      limits.allow_bmp = false;
      break;
    default:
      break;
  }
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto info = vision::InspectImage(bytes, limits);
  auto image = vision::DecodeImage(bytes, limits);
  if (!info.ok()) {
    FUZZ_CHECK(!image.ok());
    FUZZ_CHECK(image.status().code() == info.status().code());
    fuzz::CheckEnvelope(image.status());
    return 0;
  }
  FUZZ_CHECK(info->width > 0 && info->height > 0);
  if (!image.ok()) {
    fuzz::CheckEnvelope(image.status());
    return 0;
  }
  FUZZ_CHECK(image->type() == CV_8UC3 && !image->empty());
  const bool as_stored = image->cols == info->width && image->rows == info->height;
  const bool turned = image->cols == info->height && image->rows == info->width;
  FUZZ_CHECK(as_stored || turned);
  FUZZ_CHECK(std::max(image->cols, image->rows) <= std::max(limits.max_width, limits.max_height));
  FUZZ_CHECK(std::min(image->cols, image->rows) <= std::min(limits.max_width, limits.max_height));
  return 0;
}
