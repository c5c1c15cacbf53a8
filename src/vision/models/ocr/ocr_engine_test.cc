#include "vision/models/ocr/ocr_engine.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "common/error_codes.h"
#include "vision/models/ocr/ocr_test_util.h"
#include "vision/vision_engine.h"

#include <filesystem>

namespace kanjian::vision::ocr {
namespace {

cv::Mat RenderLines(const std::vector<std::string>& lines) {
  cv::Mat img(80 + 70 * int(lines.size()), 640, CV_8UC3, cv::Scalar(245, 245, 245));
  for (size_t i = 0; i < lines.size(); ++i) {
    cv::putText(img, lines[i], cv::Point(30, 80 + 70 * int(i)), cv::FONT_HERSHEY_SIMPLEX, 1.4,
                cv::Scalar(20, 20, 20), 3, cv::LINE_AA);
  }
  return img;
}

std::string Squeeze(std::string s) {
  s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
  return s;
}

TEST(OcrEngine, MissingModelNamesTheFile) {
  auto r = OcrEngine::Load({.models_dir = "/nonexistent/ocr"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), errc::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/ocr/"), std::string::npos)
      << r.status().message();
}

TEST(OcrEngine, ReadsRenderedLinesTopToBottom) {
  KANJIAN_REQUIRE_FILE(testing::OcrRecPath());
  const OcrEngine* ocr = testing::SharedOcr();
  ASSERT_NE(ocr, nullptr);
  cv::Mat img = RenderLines({"KANJIAN 2024", "SF1234567890"});
  auto lines = ocr->Read(img, DetectOptions{});
  ASSERT_TRUE(lines.ok()) << lines.status().ToString();
  ASSERT_EQ(lines->size(), 2u);
  EXPECT_EQ(Squeeze((*lines)[0].text), "KANJIAN2024");
  EXPECT_EQ(Squeeze((*lines)[1].text), "SF1234567890");
  for (const auto& l : *lines) {
    EXPECT_GT(l.confidence, 0.8f) << l.text;
    EXPECT_LT(l.box.corners[0].y, l.box.corners[2].y);
  }
  EXPECT_LT((*lines)[0].box.corners[0].y, (*lines)[1].box.corners[0].y);
}

TEST(OcrEngine, BlankImageHasNoText) {
  KANJIAN_REQUIRE_FILE(testing::OcrRecPath());
  const OcrEngine* ocr = testing::SharedOcr();
  ASSERT_NE(ocr, nullptr);
  cv::Mat img(200, 300, CV_8UC3, cv::Scalar(128, 128, 128));
  auto lines = ocr->Read(img, DetectOptions{});
  ASSERT_TRUE(lines.ok());
  EXPECT_TRUE(lines->empty());
}

}  // namespace
}  // namespace kanjian::vision::ocr

namespace kanjian::vision {
namespace {

// The engine refuses to start without the bundled OCR models, naming the file.
TEST(VisionEngineOcr, MissingOcrModelNamesTheFile) {
  KANJIAN_REQUIRE_FILE(testing::DynamicDetectorPath());
  const std::string dir = ::testing::TempDir() + "/kanjian-models-no-ocr";
  std::filesystem::create_directories(dir);
  std::filesystem::remove(dir + "/yolov5s_dyn.onnx");
  std::filesystem::create_symlink(testing::DynamicDetectorPath(), dir + "/yolov5s_dyn.onnx");
  auto r = VisionEngine::Load({.models_dir = dir});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), errc::kNotFound);
  EXPECT_NE(r.status().message().find(dir + "/ocr/"), std::string::npos) << r.status().message();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kanjian::vision
