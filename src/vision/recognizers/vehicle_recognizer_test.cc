#include "vision/recognizers/vehicle_recognizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>

#include "vision/models/ocr/ocr_test_util.h"

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
      {2, "car", 0.2f, {0, 0, 300, 300}},     // below min_score
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

// An upright text box [x0, x1] x [y0, y1], tilted by `deg` about (cx, cy).
ocr::TextBox Upright(float x0, float y0, float x1, float y1, float deg = 0, float cx = 200,
                     float cy = 200) {
  const float a = deg * float(CV_PI) / 180, c = std::cos(a), s = std::sin(a);
  auto at = [&](float x, float y) {
    return cv::Point2f(cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c);
  };
  ocr::TextBox box;
  box.corners = {at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1)};
  box.score = 0.9f;
  box.angle_deg = deg;
  return box;
}

TEST(TwoRowTopLine, SpansTheBottomRowUnderTheTopRowBoxes) {
  const ocr::TextBox bottom = Upright(100, 200, 300, 260);
  // The top row as the detector often gives it: 京 and A as two boxes,
  // overlapping the bottom row's padded box a little.
  auto line =
      TwoRowTopLine(bottom, {Upright(150, 165, 190, 198), Upright(205, 168, 245, 204), bottom});
  ASSERT_TRUE(line);
  EXPECT_NEAR(line->corners[0].x, 100, 0.5);
  EXPECT_NEAR(line->corners[0].y, 165, 0.5);
  EXPECT_NEAR(line->corners[2].x, 300, 0.5);
  EXPECT_NEAR(line->corners[2].y, 204, 0.5);

  // Tilted by 6 degrees: the same answer in the bottom row's frame.
  const ocr::TextBox tilted = Upright(100, 200, 300, 260, 6);
  auto tilted_line = TwoRowTopLine(tilted, {Upright(150, 165, 245, 198, 6)});
  ASSERT_TRUE(tilted_line);
  EXPECT_NEAR(cv::norm(tilted_line->corners[1] - tilted_line->corners[0]), 200, 0.5);
  EXPECT_NEAR(cv::norm(tilted_line->corners[3] - tilted_line->corners[0]), 33, 0.5);
}

TEST(TwoRowTopLine, UnrelatedLinesAreNoTopRow) {
  const ocr::TextBox bottom = Upright(100, 200, 300, 260);
  EXPECT_FALSE(TwoRowTopLine(bottom, {bottom})) << "nothing above";
  EXPECT_FALSE(TwoRowTopLine(bottom, {Upright(-60, 165, 40, 198)})) << "beside, to the left";
  EXPECT_FALSE(TwoRowTopLine(bottom, {Upright(40, 165, 140, 198)})) << "centre left of the plate";
  EXPECT_FALSE(TwoRowTopLine(bottom, {Upright(150, 100, 250, 135)})) << "a line height away";
  EXPECT_FALSE(TwoRowTopLine(bottom, {Upright(150, 120, 250, 198)}))
      << "taller than the bottom row";
  EXPECT_FALSE(TwoRowTopLine(bottom, {Upright(170, 188, 190, 198)})) << "a speck";
  EXPECT_FALSE(TwoRowTopLine(bottom, {Upright(150, 262, 250, 295)})) << "below, not above";
}

// Two-row yellow plates rendered by scripts/make_eval_images.py on OpenCV's
// double-decker bus and on the car (tests/eval/ocr_car_envelope.json,
// two_row_* metrics), with the vehicle and plate boxes it printed.
struct TwoRowCase {
  const char* image;
  Box vehicle;        // x, y, width, height
  const char* plate;  // "" for the negatives
  int plate_box[4];   // x0, y0, x1, y1 of the rendered plate (both rows)
};

const TwoRowCase kTwoRowCases[] = {
    {"bus_two_row_0", {130, 224, 826, 560}, "湘CC0S7T", {798, 707, 922, 773}},
    {"bus_two_row_1", {130, 224, 826, 560}, "津Q08Q1E", {801, 709, 919, 771}},
    {"bus_two_row_2", {130, 224, 826, 560}, "鄂BB9S6X", {799, 708, 921, 772}},
    {"bus_two_row_3", {130, 224, 826, 560}, "甘B5829挂", {800, 709, 920, 771}},
    {"car_two_row_0", {364, 242, 561, 383}, "冀A2280U", {581, 429, 695, 489}},
    {"car_two_row_1", {470, 310, 526, 360}, "苏XR562挂", {673, 485, 780, 543}},
    {"car_two_row_2", {621, 316, 513, 350}, "桂KQ3W81", {820, 488, 923, 541}},
    {"car_two_row_3", {221, 267, 586, 401}, "桂YJ4E5J", {448, 462, 567, 526}},
    // The top line beside the bottom one, and a line height above it: both
    // pairs would pass the grammar if joined.
    {"car_two_row_negative_0", {289, 287, 553, 378}, "", {}},
    {"car_two_row_negative_1", {280, 268, 571, 390}, "", {}},
};

TEST(VehicleRecognizer, ReadsSyntheticTwoRowPlates) {
  KANJIAN_REQUIRE_FILE(testing::OcrRecPath());
  const ocr::OcrEngine* ocr = testing::SharedOcr();
  ASSERT_NE(ocr, nullptr);
  int read = 0, plates = 0;
  for (const TwoRowCase& c : kTwoRowCases) {
    SCOPED_TRACE(c.image);
    const std::string path = testing::RepoRoot() + "/tests/eval/images/" + c.image + ".jpg";
    KANJIAN_REQUIRE_FILE(path);
    cv::Mat image = cv::imread(path);
    ASSERT_FALSE(image.empty());
    const bool bus = std::string(c.image).starts_with("bus");
    std::vector<Detection> d = {{bus ? 5 : 2, bus ? "bus" : "car", 0.9f, c.vehicle}};
    auto tags = CarsFromDetections(image, d, ocr, VehicleOptions{});
    ASSERT_TRUE(tags.ok()) << tags.status().ToString();
    ASSERT_EQ(tags->size(), 1u);
    ASSERT_TRUE((*tags)[0].plate.has_value());
    const PlateInfo& p = *(*tags)[0].plate;
    EXPECT_EQ(p.plate, c.plate);
    if (*c.plate == 0) {
      EXPECT_TRUE(p.location.empty());
      EXPECT_EQ(p.status, "");
      continue;
    }
    ++plates;
    read += p.plate == c.plate;
    EXPECT_EQ(p.color, "黄");
    EXPECT_EQ(p.type, "普通黄牌");
    EXPECT_FALSE(p.status.empty());
    EXPECT_EQ(p.location.size(), 4u);
    if (p.location.size() != 4) continue;
    // The box covers both rows: from above the top row's middle (a quarter
    // down the plate) to below the bottom row's middle, across the plate.
    const int x0 = c.plate_box[0], y0 = c.plate_box[1], x1 = c.plate_box[2], y1 = c.plate_box[3];
    const int h = y1 - y0, w = x1 - x0;
    EXPECT_LT(std::max(p.location[0].y, p.location[1].y), y0 + h / 5);
    EXPECT_GT(std::min(p.location[2].y, p.location[3].y), y1 - h / 5);
    EXPECT_LT(std::max(p.location[0].x, p.location[3].x), x0 + w / 6);
    EXPECT_GT(std::min(p.location[1].x, p.location[2].x), x1 - w / 6);
    EXPECT_LT(std::abs(p.angle_deg), 8);
  }
  std::printf("two-row plates read exactly: %d/%d\n", read, plates);
}

}  // namespace
}  // namespace kanjian::vision
