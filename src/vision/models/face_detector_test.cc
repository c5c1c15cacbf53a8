#include "vision/models/face_detector.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "vision/recognizers/body_test_util.h"

namespace kanjian::vision {
namespace {

using namespace testing;

std::unique_ptr<FaceDetector> LoadBundledFaceDetector() {
  auto config = LoadModelsConfig("", ModelsDir());
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  if (!config.ok()) return nullptr;
  auto f = FaceDetector::Load(*config->Find("face_detector"));
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? std::move(f.value()) : nullptr;
}

// The astronaut's face is at about x 175..265, y 70..180 (hand-labelled).
TEST(FaceDetectorTest, FindsTheAstronautsFace) {
  KANJIAN_REQUIRE_FILE(FaceModelPath());
  KANJIAN_REQUIRE_FILE(AstronautImage());
  auto fd = LoadBundledFaceDetector();
  ASSERT_TRUE(fd);
  auto faces = fd->Detect(cv::imread(AstronautImage()));
  ASSERT_TRUE(faces.ok()) << faces.status().ToString();
  ASSERT_EQ(faces->size(), 1u);
  const Box& b = (*faces)[0].box;
  cv::Rect got(b.x, b.y, b.width, b.height), want(175, 70, 90, 110);
  double iou = double((got & want).area()) / double((got | want).area());
  EXPECT_GT(iou, 0.5) << got;
  EXPECT_GT((*faces)[0].score, 0.9);
}

TEST(FaceDetectorTest, NoFaceOnAnEagle) {
  KANJIAN_REQUIRE_FILE(FaceModelPath());
  KANJIAN_REQUIRE_FILE(DarknetImage("eagle.jpg"));
  auto fd = LoadBundledFaceDetector();
  ASSERT_TRUE(fd);
  auto faces = fd->Detect(cv::imread(DarknetImage("eagle.jpg")));
  ASSERT_TRUE(faces.ok());
  EXPECT_TRUE(faces->empty());
}

TEST(FaceDetectorTest, NmsKeepsTheBestOfOverlappingBoxes) {
  std::vector<cv::Rect2f> boxes = {{0, 0, 10, 10}, {1, 1, 10, 10}, {50, 50, 10, 10}};
  std::vector<float> scores = {0.8f, 0.9f, 0.7f};
  auto kept = NmsIndices(boxes, scores, 0.4f);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], 1);
  EXPECT_EQ(kept[1], 2);
}

}  // namespace
}  // namespace kanjian::vision
