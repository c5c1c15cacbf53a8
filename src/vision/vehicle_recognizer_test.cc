#include "vision/vehicle_recognizer.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "vision/ocr/ocr_test_util.h"

namespace kanjian::vision {
namespace {

TEST(VehicleRecognizer, TypeFromCocoClass) {
  EXPECT_EQ(VehicleTypeFromLabel("car"), "轿车");
  EXPECT_EQ(VehicleTypeFromLabel("truck"), "货车");
  EXPECT_EQ(VehicleTypeFromLabel("bus"), "客车");
  EXPECT_EQ(VehicleTypeFromLabel("motorcycle"), "摩托车");
  EXPECT_EQ(VehicleTypeFromLabel("bicycle"), "");
  EXPECT_EQ(VehicleTypeFromLabel("dog"), "");
}

TEST(VehicleRecognizer, LargestVehicleFirstAndNonVehiclesDropped) {
  cv::Mat image(300, 400, CV_8UC3, cv::Scalar(200, 200, 200));
  std::vector<Detection> d = {
      {2, "car", 0.9f, {10, 10, 50, 40}},
      {16, "dog", 0.95f, {100, 100, 150, 150}},
      {7, "truck", 0.6f, {100, 50, 200, 120}},
      {2, "car", 0.2f, {0, 0, 300, 300}},  // below min_score
      {2, "car", 0.5f, {102, 52, 198, 120}},  // the truck again, as a car: one vehicle
  };
  auto tags = CarsFromDetections(image, d, nullptr, VehicleOptions{});
  ASSERT_TRUE(tags.ok());
  ASSERT_EQ(tags->size(), 2u);
  EXPECT_EQ((*tags)[0].type, "货车");
  EXPECT_EQ((*tags)[0].confidence, 60);
  EXPECT_EQ((*tags)[0].location[0].x, 100);
  EXPECT_EQ((*tags)[0].location[2].x, 300);
  EXPECT_EQ((*tags)[0].location[2].y, 170);
  EXPECT_EQ((*tags)[1].type, "轿车");
  EXPECT_FALSE((*tags)[0].plate.has_value()) << "plain RecognizeCar reads no plate";
}

TEST(VehicleRecognizer, ReadsTheSyntheticBluePlate) {
  const std::string image_path = testing::RepoRoot() + "/tests/eval/images/car_0_blue.jpg";
  KANJIAN_REQUIRE_FILE(testing::OcrRecPath());
  KANJIAN_REQUIRE_FILE(image_path);
  const ocr::OcrEngine* ocr = testing::SharedOcr();
  ASSERT_NE(ocr, nullptr);
  cv::Mat image = cv::imread(image_path);
  ASSERT_FALSE(image.empty());
  // The car's labelled box (tests/eval/ocr_car_envelope.json, item car_0_blue).
  std::vector<Detection> d = {{2, "car", 0.9f, {266, 316, 500, 342}}};
  auto tags = CarsFromDetections(image, d, ocr, VehicleOptions{});
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  ASSERT_EQ(tags->size(), 1u);
  ASSERT_TRUE((*tags)[0].plate.has_value());
  const PlateInfo& p = *(*tags)[0].plate;
  EXPECT_EQ(p.plate, "沪XM7M5B");  // rendered by scripts/make_eval_images.py
  EXPECT_EQ(p.color, "蓝");
  EXPECT_EQ(p.type, "普通蓝牌");
  EXPECT_EQ(p.status, "正常车牌");
  EXPECT_GE(p.confidence, 80);
  ASSERT_EQ(p.location.size(), 4u);
  // Around the labelled plate box [453, 489, 568, 529].
  const int cx = (453 + 568) / 2, cy = (489 + 529) / 2;
  EXPECT_LT(p.location[0].x, cx);
  EXPECT_GT(p.location[2].x, cx);
  EXPECT_LT(p.location[0].y, cy);
  EXPECT_GT(p.location[2].y, cy);
  EXPECT_LT(std::abs(p.angle_deg), 8);
}

}  // namespace
}  // namespace kanjian::vision
