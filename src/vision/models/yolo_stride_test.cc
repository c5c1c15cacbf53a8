// Letterbox "stride": each photo at its own aspect (yolov5s_dyn.onnx).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "common/error_codes.h"
#include "vision/models/yolo_detector.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision {
namespace {

const Detection* FindLabel(const std::vector<Detection>& d, const std::string& label) {
  auto it = std::find_if(d.begin(), d.end(), [&](const Detection& x) { return x.label == label; });
  return it == d.end() ? nullptr : &*it;
}

// Scores move by up to ~0.09 and box sides by ~10 px when only the grey
// padding around the photo changes (measured: bicycle 0.57 → 0.49); the
// same object is still found at nearly the same place.
void ExpectSameObject(const Detection& a, const Detection& b) {
  EXPECT_NEAR(a.score, b.score, 0.15) << a.label;
  const cv::Rect ra(a.box.x, a.box.y, a.box.width, a.box.height);
  const cv::Rect rb(b.box.x, b.box.y, b.box.width, b.box.height);
  const double inter = (ra & rb).area();
  const double iou = inter / (ra.area() + rb.area() - inter);
  EXPECT_GT(iou, 0.85) << a.label;
}

std::unique_ptr<YoloDetector> Load(const std::string& path, Letterbox letterbox) {
  auto r = YoloDetector::Load({.model_path = path, .letterbox = letterbox});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r.value()) : nullptr;
}

TEST(YoloStride, FixedSizeModelIsRefusedNamingTheFileAndTheFix) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  auto r =
      YoloDetector::Load({.model_path = testing::DetectorPath(), .letterbox = Letterbox::kStride});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), errc::kInvalidConfiguration);
  EXPECT_NE(r.status().message().find(testing::DetectorPath()), std::string::npos);
  EXPECT_NE(r.status().message().find("--dynamic-size"), std::string::npos);
}

// The same photo, square (fixed model) and stride (dynamic model): the same
// objects, boxes within a few pixels.
TEST(YoloStride, FindsWhatSquareFindsOnDarknetDog) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DynamicDetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
  auto square = Load(testing::DetectorPath(), Letterbox::kSquare);
  auto stride = Load(testing::DynamicDetectorPath(), Letterbox::kStride);
  ASSERT_TRUE(square && stride);
  cv::Mat img =
      cv::imread(testing::DarknetImage("dog.jpg"), cv::IMREAD_COLOR);  // 768x576 → 640x480
  auto a = square->Detect(img);
  auto b = stride->Detect(img);
  ASSERT_TRUE(a.ok() && b.ok());
  for (const char* label : {"dog", "bicycle"}) {
    const Detection* da = FindLabel(*a, label);
    const Detection* db = FindLabel(*b, label);
    ASSERT_TRUE(da && db) << label;
    ExpectSameObject(*da, *db);
  }
}

// Batching mixes shapes: a landscape and a portrait photo share one 640x640
// canvas, two landscape ones a 640x480 one; each answers as it does alone.
TEST(YoloStride, BatchOfMixedShapesMatchesSingles) {
  KANJIAN_REQUIRE_FILE(testing::DynamicDetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
  auto detector = Load(testing::DynamicDetectorPath(), Letterbox::kStride);
  ASSERT_NE(detector, nullptr);
  cv::Mat dog = cv::imread(testing::DarknetImage("dog.jpg"), cv::IMREAD_COLOR);
  cv::Mat portrait;
  cv::rotate(dog, portrait, cv::ROTATE_90_CLOCKWISE);  // 576x768
  cv::Mat wide;
  cv::copyMakeBorder(dog, wide, 0, 0, 100, 100, cv::BORDER_CONSTANT, cv::Scalar::all(0));
  auto batch = detector->DetectBatch({dog, portrait, wide});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), 3u);
  const std::vector<cv::Mat> images = {dog, portrait, wide};
  for (size_t i = 0; i < images.size(); ++i) {
    auto single = detector->Detect(images[i]);
    ASSERT_TRUE(single.ok());
    const Detection* s = FindLabel(*single, "dog");
    const Detection* m = FindLabel((*batch)[i], "dog");
    ASSERT_TRUE(s && m) << "image " << i;
    ExpectSameObject(*s, *m);
  }
}

}  // namespace
}  // namespace kanjian::vision
