// Colour names from pixels: the body colour of a vehicle box and the
// background colour of a licence plate. A vote over HSV pixel classes
// (method and measured accuracy: docs/developers/vision/ocr_car_envelope.md).
#pragma once

#include <opencv2/core/mat.hpp>
#include <string>

namespace kanjian::vision {

struct ColorName {
  std::string name;    // "" when nothing could be judged (empty crop)
  int confidence = 0;  // share of the winning vote, 0..100
};

// One pixel's colour class: 黑 白 银灰 红 橙 黄 绿 蓝 紫 棕, from OpenCV HSV
// (H 0..180, S and V 0..255).
std::string PixelColorName(int h, int s, int v);

// The body colour of a vehicle from its whole box (BGR): the vote is taken
// over the lower-middle of the box (body panels; windows, roof, wheels and
// background mostly excluded), with saturated pixels weighted up because
// every car also shows grey glass and black shadows.
ColorName NameVehicleColor(const cv::Mat& vehicle_bgr);

// A plate's background colour (蓝/黄/绿/白/黑) from the upright plate crop
// (BGR): the majority class among the plate's pixels, characters included
// (they are the minority).
ColorName NamePlateColor(const cv::Mat& plate_bgr);

}  // namespace kanjian::vision
