#include "vision/runtime/image_decode.h"

#include <algorithm>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "common/error_codes.h"
#include "vision/runtime/jpeg_decode.h"

namespace kanjian::vision {
namespace {

uint32_t Be16(std::string_view b, size_t at) {
  return (uint32_t(uint8_t(b[at])) << 8) | uint8_t(b[at + 1]);
}
uint32_t Be32(std::string_view b, size_t at) {
  return (Be16(b, at) << 16) | Be16(b, at + 2);
}
uint32_t Le16(std::string_view b, size_t at) {
  return uint8_t(b[at]) | (uint32_t(uint8_t(b[at + 1])) << 8);
}
uint32_t Le32(std::string_view b, size_t at) {
  return Le16(b, at) | (Le16(b, at + 2) << 16);
}

Status Corrupt(std::string_view what) {
  return Status(errc::kImageDecodeFailed,
                std::string("image data is corrupt: ") + std::string(what));
}

// Walks the JPEG markers up to the first scan; reads the frame size and
// requires an end-of-image marker after the scan data (entropy-coded data
// never contains FF D9, so its absence means the file was cut short).
Result<ImageInfo> InspectJpeg(std::string_view b) {
  size_t pos = 2;
  int width = 0, height = 0;
  while (true) {
    if (pos + 4 > b.size()) return Corrupt("truncated JPEG header");
    if (uint8_t(b[pos]) != 0xFF) return Corrupt("bad JPEG marker");
    uint8_t m = uint8_t(b[pos + 1]);
    if (m == 0xFF) {
      ++pos;
      continue;
    }  // fill byte
    if (m == 0x01 || (m >= 0xD0 && m <= 0xD8)) {
      pos += 2;
      continue;
    }
    if (m == 0xD9) return Corrupt("JPEG ends before its image data");
    size_t len = Be16(b, pos + 2);
    if (len < 2 || pos + 2 + len > b.size()) return Corrupt("truncated JPEG segment");
    bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    if (sof) {
      if (len < 7) return Corrupt("short JPEG frame header");
      height = int(Be16(b, pos + 5));
      width = int(Be16(b, pos + 7));
    }
    pos += 2 + len;
    if (m == 0xDA) break;  // start of scan
  }
  if (width <= 0 || height <= 0) return Corrupt("JPEG has no frame size");
  if (b.find("\xFF\xD9", pos) == std::string_view::npos) return Corrupt("truncated JPEG");
  return ImageInfo{ImageFormat::kJpeg, width, height};
}

Result<ImageInfo> InspectPng(std::string_view b) {
  // Signature (8) + IHDR length (4) + "IHDR" (4) + width (4) + height (4).
  if (b.size() < 33 || b.substr(12, 4) != "IHDR") return Corrupt("truncated PNG header");
  uint32_t width = Be32(b, 16), height = Be32(b, 20);
  if (width == 0 || height == 0 || width > (1u << 30) || height > (1u << 30)) {
    return Corrupt("bad PNG size");
  }
  if (b.rfind("IEND") == std::string_view::npos) return Corrupt("truncated PNG");
  return ImageInfo{ImageFormat::kPng, int(width), int(height)};
}

Result<ImageInfo> InspectBmp(std::string_view b) {
  if (b.size() < 26) return Corrupt("truncated BMP header");
  uint32_t data_offset = Le32(b, 10);
  uint32_t header_size = Le32(b, 14);
  int64_t width, height;
  uint32_t bpp = 0, compression = 0;
  if (header_size == 12) {  // OS/2 BITMAPCOREHEADER
    width = Le16(b, 18);
    height = Le16(b, 20);
    if (b.size() >= 26) bpp = Le16(b, 24);
  } else {
    if (header_size < 40 || b.size() < 54) return Corrupt("truncated BMP header");
    width = int32_t(Le32(b, 18));
    height = int32_t(Le32(b, 22));
    bpp = Le16(b, 28);
    compression = Le32(b, 30);
  }
  height = height < 0 ? -height : height;
  if (width <= 0 || height <= 0 || width > (1 << 30) || height > (1 << 30)) {
    return Corrupt("bad BMP size");
  }
  if (compression == 0 && bpp > 0) {  // uncompressed: the pixel array size is known
    uint64_t stride = ((uint64_t(width) * bpp + 31) / 32) * 4;
    if (uint64_t(data_offset) + stride * uint64_t(height) > b.size()) {
      return Corrupt("truncated BMP");
    }
  }
  return ImageInfo{ImageFormat::kBmp, int(width), int(height)};
}

// WebP, TIFF, HEIF/AVIF, ICO, JPEG 2000: real images we do not accept.
bool IsOtherImageFormat(std::string_view b) {
  return (b.size() >= 12 && b.substr(0, 4) == "RIFF" && b.substr(8, 4) == "WEBP") ||
         b.starts_with(std::string_view("II*\0", 4)) ||
         b.starts_with(std::string_view("MM\0*", 4)) ||
         (b.size() >= 12 && b.substr(4, 4) == "ftyp") ||
         b.starts_with(std::string_view("\0\0\1\0", 4)) ||
         b.starts_with(std::string_view("\0\0\0\x0CjP  ", 8));
}

}  // namespace

Result<ImageInfo> InspectImage(std::string_view bytes, const ImageLimits& limits) {
  if (bytes.empty()) return Status(errc::kEmptyImage, "image is empty");
  if (bytes.size() > limits.max_bytes) {
    return Status(errc::kImageSizeExceed, "image is " + std::to_string(bytes.size()) +
                                              " bytes; the limit is " +
                                              std::to_string(limits.max_bytes));
  }
  // A prefix of a known signature is a cut-short file, not an unknown format.
  for (std::string_view magic :
       {std::string_view("\xFF\xD8\xFF"), std::string_view("\x89PNG\r\n\x1A\n")}) {
    if (bytes.size() < magic.size() && magic.starts_with(bytes)) return Corrupt("truncated header");
  }
  // Bytes that are no known image format at all are corrupt data
  // (ImageDecodeFailed); a real image in a format we do not take is
  // ImageNotSupported.
  Result<ImageInfo> info = Corrupt("not a recognisable image (JPG, PNG or BMP expected)");
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xFF\xD8\xFF") {
    info = InspectJpeg(bytes);
  } else if (bytes.size() >= 8 && bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n") {
    if (limits.jpg_only) return Status(errc::kImageNotSupported, "only JPG images are accepted");
    info = InspectPng(bytes);
  } else if (bytes.size() >= 2 && bytes.substr(0, 2) == "BM") {
    if (limits.jpg_only) return Status(errc::kImageNotSupported, "only JPG images are accepted");
    if (!limits.allow_bmp)
      return Status(errc::kImageNotSupported, "BMP images are not accepted here");
    info = InspectBmp(bytes);
  } else if (bytes.size() >= 6 &&
             (bytes.substr(0, 6) == "GIF87a" || bytes.substr(0, 6) == "GIF89a")) {
    return Status(errc::kImageNotSupported, "GIF images are not supported; use JPG, PNG or BMP");
  } else if (IsOtherImageFormat(bytes)) {
    return Status(errc::kImageNotSupported, "unsupported image format; use JPG, PNG or BMP");
  }
  if (!info.ok()) return info;
  int long_side = std::max(info->width, info->height);
  int short_side = std::min(info->width, info->height);
  if (long_side > std::max(limits.max_width, limits.max_height) ||
      short_side > std::min(limits.max_width, limits.max_height)) {
    return Status(errc::kImageResolutionExceed,
                  "image is " + std::to_string(info->width) + "x" + std::to_string(info->height) +
                      "; the limit is " + std::to_string(limits.max_width) + "x" +
                      std::to_string(limits.max_height));
  }
  return info;
}

Result<cv::Mat> DecodeImage(std::string_view bytes, const ImageLimits& limits) {
  ASSIGN_OR_RETURN(ImageInfo info, InspectImage(bytes, limits));
  // JPEG through libjpeg directly, to see truncation (jpeg_decode.h).
  if (info.format == ImageFormat::kJpeg) return DecodeJpeg(bytes);
  cv::Mat decoded;
  try {
    // imdecode does not modify its input; the const_cast only adapts the type.
    cv::Mat raw(1, int(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
    // IMREAD_COLOR: 8-bit BGR, EXIF orientation applied (OpenCV >= 3.1).
    decoded = cv::imdecode(raw, cv::IMREAD_COLOR);
  } catch (const cv::Exception&) {
    return Status(errc::kImageDecodeFailed, "image could not be decoded");
  }
  if (decoded.empty() || decoded.type() != CV_8UC3) {
    return Status(errc::kImageDecodeFailed, "image could not be decoded");
  }
  return decoded;
}

}  // namespace kanjian::vision
