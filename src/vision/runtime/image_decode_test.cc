#include "vision/runtime/image_decode.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "common/error_codes.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision {
namespace {

std::string Encode(const cv::Mat& m, const std::string& ext) {
  std::vector<uchar> buf;
  EXPECT_TRUE(cv::imencode(ext, m, buf));
  return std::string(buf.begin(), buf.end());
}

cv::Mat Gradient(int w, int h) {
  cv::Mat m(h, w, CV_8UC3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) m.at<cv::Vec3b>(y, x) = cv::Vec3b(x % 256, y % 256, 128);
  return m;
}

TEST(DecodeImage, DecodesJpegPngBmp) {
  for (const char* ext : {".jpg", ".png", ".bmp"}) {
    auto r = DecodeImage(Encode(Gradient(64, 48), ext), ImageLimits{});
    ASSERT_TRUE(r.ok()) << ext << " " << r.status().ToString();
    EXPECT_EQ(r->cols, 64);
    EXPECT_EQ(r->rows, 48);
    EXPECT_EQ(r->type(), CV_8UC3);
  }
}

TEST(DecodeImage, GreyAndAlphaBecomeBgr) {
  cv::Mat grey(20, 30, CV_8UC1, cv::Scalar(77));
  cv::Mat bgra(20, 30, CV_8UC4, cv::Scalar(1, 2, 3, 128));
  for (const cv::Mat& m : {grey, bgra}) {
    auto r = DecodeImage(Encode(m, ".png"), ImageLimits{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->type(), CV_8UC3);
    EXPECT_EQ(r->cols, 30);
  }
}

TEST(DecodeImage, EmptyIsEmptyImage) {
  EXPECT_EQ(DecodeImage("", ImageLimits{}).status().code(), errc::kEmptyImage);
}

TEST(DecodeImage, OversizeIsSizeExceed) {
  ImageLimits limits;
  std::string big = Encode(Gradient(64, 48), ".bmp");
  limits.max_bytes = big.size() - 1;
  EXPECT_EQ(DecodeImage(big, limits).status().code(), errc::kImageSizeExceed);
  EXPECT_EQ(DecodeImage(std::string(5u << 20, 'x'), ImageLimits{}).status().code(),
            errc::kImageSizeExceed);
}

TEST(DecodeImage, OtherFormatsAreNotSupportedAndNoiseIsCorrupt) {
  EXPECT_EQ(DecodeImage("GIF89a\x01\x00\x01\x00\x00\x00\x00;", ImageLimits{}).status().code(),
            errc::kImageNotSupported);
  EXPECT_EQ(DecodeImage("GIF87a....", ImageLimits{}).status().code(), errc::kImageNotSupported);
  EXPECT_EQ(DecodeImage(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), ImageLimits{}).status().code(),
            errc::kImageNotSupported);
  // Bytes that are no image at all are corrupt, not an unsupported format.
  EXPECT_EQ(DecodeImage("hello, world", ImageLimits{}).status().code(), errc::kImageDecodeFailed);
}

TEST(DecodeImage, BmpAllowedOrRefused) {
  std::string bmp = Encode(Gradient(32, 16), ".bmp");
  EXPECT_TRUE(DecodeImage(bmp, ImageLimits{}).ok());
  ImageLimits no_bmp;
  no_bmp.allow_bmp = false;
  EXPECT_EQ(DecodeImage(bmp, no_bmp).status().code(), errc::kImageNotSupported);
}

TEST(DecodeImage, JpgOnlyRefusesPng) {
  ImageLimits jpg_only;
  jpg_only.jpg_only = true;
  EXPECT_EQ(DecodeImage(Encode(Gradient(8, 8), ".png"), jpg_only).status().code(),
            errc::kImageNotSupported);
  EXPECT_TRUE(DecodeImage(Encode(Gradient(8, 8), ".jpg"), jpg_only).ok());
}

TEST(DecodeImage, TruncatedIsDecodeFailed) {
  for (const char* ext : {".jpg", ".png", ".bmp"}) {
    std::string full = Encode(Gradient(64, 48), ext);
    for (size_t keep : {size_t(4), size_t(40), full.size() / 2, full.size() - 3}) {
      auto r = DecodeImage(full.substr(0, keep), ImageLimits{});
      EXPECT_EQ(r.status().code(), errc::kImageDecodeFailed) << ext << " cut to " << keep;
    }
  }
}

TEST(DecodeImage, TruncatedRealPhotoIsDecodeFailed) {
  const std::string path = testing::DarknetImage("dog.jpg");
  KANJIAN_REQUIRE_FILE(path);
  std::string jpg = testing::ReadFile(path);
  ASSERT_TRUE(DecodeImage(jpg, ImageLimits{}).ok());
  EXPECT_EQ(DecodeImage(jpg.substr(0, jpg.size() * 2 / 3), ImageLimits{}).status().code(),
            errc::kImageDecodeFailed);
}

// A JPEG cut short and given back its end-of-image marker passes every
// header check; libjpeg then meets the marker where scan data should be and
// fills the rest with grey. That is refused, not answered.
TEST(DecodeImage, JpegCutShortWithEndMarkerAppendedIsTruncated) {
  const std::string path = testing::DarknetImage("dog.jpg");
  KANJIAN_REQUIRE_FILE(path);
  const std::string baseline = testing::ReadFile(path);
  // The same photo as a progressive JPEG: cut inside a later scan, too.
  std::vector<uchar> buf;
  ASSERT_TRUE(cv::imencode(".jpg", cv::imread(path), buf, {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
  const std::string progressive(buf.begin(), buf.end());
  for (const std::string* jpg : {&baseline, &progressive}) {
    for (int percent : {70, 80, 90, 95}) {
      const std::string cut = jpg->substr(0, jpg->size() * percent / 100);
      for (const std::string& bytes : {cut, cut + "\xFF\xD9"}) {
        auto r = DecodeImage(bytes, ImageLimits{});
        ASSERT_FALSE(r.ok()) << percent << "% " << (jpg == &baseline ? "baseline" : "progressive");
        EXPECT_EQ(r.status().code(), errc::kImageDecodeFailed);
        EXPECT_NE(r.status().message().find("truncated"), std::string::npos)
            << r.status().message();
      }
    }
  }
}

// What libjpeg decodes here is what cv::imdecode decoded before: same
// library, same colour conversion, pixel for pixel.
TEST(DecodeImage, CompleteJpegDecodesAsImdecodeDoes) {
  const std::string path = testing::DarknetImage("dog.jpg");
  KANJIAN_REQUIRE_FILE(path);
  cv::Mat grey(24, 40, CV_8UC1);
  cv::randu(grey, 0, 255);
  for (const std::string& jpg :
       {testing::ReadFile(path), Encode(Gradient(64, 48), ".jpg"), Encode(grey, ".jpg")}) {
    auto r = DecodeImage(jpg, ImageLimits{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    cv::Mat expected =
        cv::imdecode(cv::Mat(1, int(jpg.size()), CV_8UC1, (void*)jpg.data()), cv::IMREAD_COLOR);
    ASSERT_EQ(r->type(), CV_8UC3);
    ASSERT_EQ(r->size(), expected.size());
    EXPECT_EQ(cv::norm(*r, expected, cv::NORM_INF), 0.0);
  }
}

TEST(DecodeImage, PngCutShortIsDecodeFailed) {
  const std::string png = Encode(Gradient(320, 240), ".png");
  const char iend[] = "\0\0\0\0IEND\xAE\x42\x60\x82";
  for (int percent : {70, 80, 90, 95}) {
    const std::string cut = png.substr(0, png.size() * percent / 100);
    for (const std::string& bytes : {cut, cut + std::string(iend, 12)}) {
      EXPECT_EQ(DecodeImage(bytes, ImageLimits{}).status().code(), errc::kImageDecodeFailed)
          << percent << "% " << bytes.size();
    }
  }
}

TEST(DecodeImage, CorruptScanIsNotAccepted) {
  std::string jpg = Encode(Gradient(64, 48), ".jpg");
  // Keep the headers, replace the scan data with junk but keep the EOI.
  std::string junk = jpg.substr(0, jpg.size() / 3) + std::string(10, '\xFF') + "\xFF\xD9";
  auto r = DecodeImage(junk, ImageLimits{});
  // libjpeg may recover a grey image from junk; it must never crash or throw.
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), errc::kImageDecodeFailed);
  }
}

TEST(DecodeImage, ResolutionLimitIgnoresOrientation) {
  ImageLimits limits;
  limits.max_width = 64;
  limits.max_height = 32;
  EXPECT_TRUE(DecodeImage(Encode(Gradient(64, 32), ".png"), limits).ok());
  EXPECT_TRUE(DecodeImage(Encode(Gradient(32, 64), ".png"), limits).ok());
  EXPECT_EQ(DecodeImage(Encode(Gradient(65, 10), ".png"), limits).status().code(),
            errc::kImageResolutionExceed);
  EXPECT_EQ(DecodeImage(Encode(Gradient(33, 33), ".jpg"), limits).status().code(),
            errc::kImageResolutionExceed);
  EXPECT_EQ(DecodeImage(Encode(Gradient(10, 65), ".bmp"), limits).status().code(),
            errc::kImageResolutionExceed);
}

// A JPEG with an EXIF APP1 segment saying "rotate 90° clockwise" (6).
std::string WithExifOrientation(const std::string& jpg, uint8_t orientation) {
  std::string tiff("MM\x00\x2A\x00\x00\x00\x08", 8);               // header, IFD at 8
  tiff += std::string("\x00\x01", 2);                              // one entry
  tiff += std::string("\x01\x12\x00\x03\x00\x00\x00\x01\x00", 9);  // Orientation, SHORT, 1
  tiff += char(orientation);
  tiff += std::string("\x00\x00", 2);          // value padding
  tiff += std::string("\x00\x00\x00\x00", 4);  // no next IFD
  std::string payload = std::string("Exif\x00\x00", 6) + tiff;
  size_t len = payload.size() + 2;
  std::string app1 = "\xFF\xE1";
  app1 += char(len >> 8);
  app1 += char(len & 0xFF);
  return jpg.substr(0, 2) + app1 + payload + jpg.substr(2);
}

TEST(DecodeImage, AppliesExifOrientation) {
  std::string jpg = WithExifOrientation(Encode(Gradient(40, 20), ".jpg"), 6);
  auto r = DecodeImage(jpg, ImageLimits{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->cols, 20);
  EXPECT_EQ(r->rows, 40);
}

TEST(DecodeImage, EveryExifOrientationAsImdecodeAppliesIt) {
  const std::string plain = Encode(Gradient(40, 20), ".jpg");
  for (uint8_t orientation = 1; orientation <= 8; ++orientation) {
    const std::string jpg = WithExifOrientation(plain, orientation);
    auto r = DecodeImage(jpg, ImageLimits{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    cv::Mat expected =
        cv::imdecode(cv::Mat(1, int(jpg.size()), CV_8UC1, (void*)jpg.data()), cv::IMREAD_COLOR);
    ASSERT_EQ(r->size(), expected.size()) << int(orientation);
    EXPECT_EQ(cv::norm(*r, expected, cv::NORM_INF), 0.0) << int(orientation);
  }
}

TEST(InspectImage, ReadsHeaderWithoutDecoding) {
  auto r = InspectImage(Encode(Gradient(70, 30), ".png"), ImageLimits{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format, ImageFormat::kPng);
  EXPECT_EQ(r->width, 70);
  EXPECT_EQ(r->height, 30);
}

}  // namespace
}  // namespace kanjian::vision
