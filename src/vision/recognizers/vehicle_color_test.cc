#include "vision/recognizers/vehicle_color.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace kanjian::vision {
namespace {

// A car-like crop: body paint in the lower part, dark glass on top, black tyres.
cv::Mat FakeCar(cv::Scalar paint_bgr) {
  cv::Mat m(120, 200, CV_8UC3, cv::Scalar(90, 110, 100));                           // background
  cv::rectangle(m, cv::Rect(10, 30, 180, 80), paint_bgr, cv::FILLED);               // body
  cv::rectangle(m, cv::Rect(40, 20, 120, 25), cv::Scalar(40, 40, 40), cv::FILLED);  // glass
  cv::circle(m, {45, 110}, 12, cv::Scalar(15, 15, 15), cv::FILLED);                 // tyres
  cv::circle(m, {155, 110}, 12, cv::Scalar(15, 15, 15), cv::FILLED);
  return m;
}

TEST(VehicleColor, NamesPaintColours) {
  const std::pair<cv::Scalar, std::string> cases[] = {
      {{240, 240, 240}, "白"}, {{20, 20, 20}, "黑"},  {{160, 160, 155}, "银灰"},
      {{30, 30, 200}, "红"},   {{190, 80, 20}, "蓝"}, {{30, 200, 230}, "黄"},
      {{40, 150, 40}, "绿"},   {{0, 120, 240}, "橙"}, {{30, 60, 100}, "棕"}};
  for (const auto& [bgr, name] : cases) {
    ColorName c = NameVehicleColor(FakeCar(bgr));
    EXPECT_EQ(c.name, name) << "paint " << bgr;
    EXPECT_GT(c.confidence, 30) << name;
    EXPECT_LE(c.confidence, 100);
  }
}

TEST(VehicleColor, EmptyCropIsUnjudged) {
  ColorName c = NameVehicleColor(cv::Mat());
  EXPECT_EQ(c.name, "");
  EXPECT_EQ(c.confidence, 0);
}

cv::Mat FakePlate(cv::Scalar bg, cv::Scalar fg) {
  cv::Mat m(40, 130, CV_8UC3, bg);
  for (int i = 0; i < 7; ++i) cv::rectangle(m, cv::Rect(8 + 17 * i, 8, 9, 24), fg, cv::FILLED);
  return m;
}

TEST(PlateColor, BackgroundWinsOverCharacters) {
  EXPECT_EQ(NamePlateColor(FakePlate({190, 70, 20}, {255, 255, 255})).name, "蓝");
  EXPECT_EQ(NamePlateColor(FakePlate({20, 190, 240}, {10, 10, 10})).name, "黄");
  EXPECT_EQ(NamePlateColor(FakePlate({110, 200, 90}, {10, 10, 10})).name, "绿");
  EXPECT_EQ(NamePlateColor(FakePlate({245, 245, 245}, {10, 10, 10})).name, "白");
  EXPECT_EQ(NamePlateColor(FakePlate({15, 15, 15}, {255, 255, 255})).name, "黑");
}

}  // namespace
}  // namespace kanjian::vision
