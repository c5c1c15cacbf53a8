#include "vision/models/yolo_detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/imgcodecs.hpp>

#include "common/error_codes.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision {
namespace {

const Detection* Find(const std::vector<Detection>& d, const std::string& label) {
  auto it = std::find_if(d.begin(), d.end(), [&](const Detection& x) { return x.label == label; });
  return it == d.end() ? nullptr : &*it;
}

// Centre of `box` lies inside [x0,x1]x[y0,y1].
bool CentreIn(const Box& b, int x0, int y0, int x1, int y1) {
  int cx = b.x + b.width / 2, cy = b.y + b.height / 2;
  return cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1;
}

class YoloDetectorTest : public ::testing::Test {
 protected:
  static std::unique_ptr<YoloDetector> LoadOrNull() {
    if (!testing::Exists(testing::DetectorPath())) return nullptr;
    auto r = YoloDetector::Load({.model_path = testing::DetectorPath()});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r.value()) : nullptr;
  }
};

TEST_F(YoloDetectorTest, MissingModelNamesTheFile) {
  auto r = YoloDetector::Load({.model_path = "/nonexistent/yolo.onnx"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), errc::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/yolo.onnx"), std::string::npos);
}

TEST_F(YoloDetectorTest, CorruptModelNamesTheFile) {
  std::string path = ::testing::TempDir() + "/corrupt.onnx";
  { std::ofstream(path) << "this is not a model"; }
  auto r = YoloDetector::Load({.model_path = path});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), errc::kInternalError);
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
}

TEST_F(YoloDetectorTest, WrongInputSizeIsRefused) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  auto r = YoloDetector::Load({.model_path = testing::DetectorPath(), .input_size = 320});
  EXPECT_EQ(r.status().code(), errc::kInvalidConfiguration);
}

TEST_F(YoloDetectorTest, FindsDogBicycleAndTruckInDarknetDog) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
  auto detector = LoadOrNull();
  ASSERT_NE(detector, nullptr);
  cv::Mat img = cv::imread(testing::DarknetImage("dog.jpg"), cv::IMREAD_COLOR);  // 768x576
  auto r = detector->Detect(img);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const Detection& d : *r) {
    EXPECT_GE(d.box.x, 0);
    EXPECT_GE(d.box.y, 0);
    EXPECT_LE(d.box.x + d.box.width, img.cols);
    EXPECT_LE(d.box.y + d.box.height, img.rows);
  }
  const Detection* dog = Find(*r, "dog");
  ASSERT_NE(dog, nullptr);
  EXPECT_GT(dog->score, 0.8f);
  EXPECT_EQ(dog->class_id, 16);
  // The dog sits bottom-left (about x 130..310, y 220..545).
  EXPECT_TRUE(CentreIn(dog->box, 150, 300, 300, 450));
  const Detection* bicycle = Find(*r, "bicycle");
  ASSERT_NE(bicycle, nullptr);
  EXPECT_TRUE(CentreIn(bicycle->box, 250, 180, 480, 360));  // about x 160..570, y 120..420
  const Detection* vehicle = Find(*r, "truck");
  if (vehicle == nullptr) vehicle = Find(*r, "car");
  ASSERT_NE(vehicle, nullptr);
  EXPECT_TRUE(CentreIn(vehicle->box, 520, 80, 640, 170));  // top right, about x 470..690
}

TEST_F(YoloDetectorTest, BatchMatchesSingle) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
  auto detector = LoadOrNull();
  ASSERT_NE(detector, nullptr);
  cv::Mat dog = cv::imread(testing::DarknetImage("dog.jpg"), cv::IMREAD_COLOR);
  cv::Mat grey(300, 500, CV_8UC3, cv::Scalar(90, 90, 90));
  auto single = detector->Detect(dog);
  auto batch = detector->DetectBatch({dog, grey});
  ASSERT_TRUE(single.ok());
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), 2u);
  ASSERT_EQ((*batch)[0].size(), single->size());
  for (size_t i = 0; i < single->size(); ++i) {
    EXPECT_EQ((*batch)[0][i].label, (*single)[i].label);
    EXPECT_NEAR((*batch)[0][i].score, (*single)[i].score, 1e-3);
    EXPECT_NEAR((*batch)[0][i].box.x, (*single)[i].box.x, 1);
  }
  EXPECT_TRUE((*batch)[1].empty());
}

}  // namespace
}  // namespace kanjian::vision
