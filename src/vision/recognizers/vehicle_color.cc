#include "vision/recognizers/vehicle_color.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <opencv2/imgproc.hpp>

namespace kanjian::vision {
namespace {

// Votes per name over the HSV pixels of `bgr`, each pixel weighted by weight(name, s).
template <typename Classify, typename Weight>
ColorName Vote(const cv::Mat& bgr, Classify classify, Weight weight) {
  if (bgr.empty()) return {};
  cv::Mat small = bgr;
  if (bgr.total() > size_t{160} * 160) {  // the vote needs no more pixels than this
    double f = std::sqrt(160.0 * 160.0 / bgr.total());
    cv::resize(bgr, small, cv::Size(), f, f, cv::INTER_AREA);
  }
  cv::Mat hsv;
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
  std::map<std::string, double> votes;
  double total = 0;
  for (int y = 0; y < hsv.rows; ++y) {
    const cv::Vec3b* row = hsv.ptr<cv::Vec3b>(y);
    for (int x = 0; x < hsv.cols; ++x) {
      std::string name = classify(row[x][0], row[x][1], row[x][2]);
      if (name.empty()) continue;
      double w = weight(name, row[x][1]);
      votes[name] += w;
      total += w;
    }
  }
  if (total <= 0) return {};
  auto best = std::max_element(votes.begin(), votes.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
  return {best->first, int(std::lround(100 * best->second / total))};
}

bool Achromatic(const std::string& n) {
  return n == "黑" || n == "白" || n == "银灰";
}

}  // namespace

std::string PixelColorName(int h, int s, int v) {
  if (v < 55) return "黑";
  // Silver and white paint mirrors the sky: bright, weakly saturated blue
  // is grey paint, not blue paint.
  const bool bluish = h >= 88 && h < 132;
  if (bluish && s < 60 && v > 205) return "白";
  if (bluish && s < 95 && v > 140) return "银灰";
  if (s < 45 || (v < 90 && s < 80)) {
    if (v > 195) return "白";
    if (v < 80) return "黑";
    return "银灰";
  }
  if (h < 8 || h >= 165) return v < 110 && s < 150 ? "棕" : "红";
  if (h < 18) return v < 140 ? "棕" : "橙";
  if (h < 34) return v < 120 ? "棕" : "黄";
  if (h < 88) return "绿";
  if (h < 132) return "蓝";
  return "紫";
}

ColorName NameVehicleColor(const cv::Mat& vehicle_bgr) {
  if (vehicle_bgr.empty()) return {};
  const int w = vehicle_bgr.cols, h = vehicle_bgr.rows;
  cv::Rect body(int(0.12 * w), int(0.40 * h), std::max(1, int(0.76 * w)),
                std::max(1, int(0.42 * h)));
  body &= cv::Rect(0, 0, w, h);
  return Vote(vehicle_bgr(body), PixelColorName,
              // Glass and shadow read as dark grey/black on every car; paint shows
              // its hue. Strongly saturated pixels count double.
              [](const std::string& name, int s) {
                return Achromatic(name) ? 1.0 : s > 90 ? 2.0 : 1.2;
              });
}

ColorName NamePlateColor(const cv::Mat& plate_bgr) {
  auto classify = [](int h, int s, int v) -> std::string {
    if (v < 70) return "黑";
    if (s < 60) return v > 150 ? "白" : "";
    if (h >= 15 && h < 35) return "黄";
    if (h >= 35 && h < 90) return "绿";
    if (h >= 90 && h < 135) return "蓝";
    return "";
  };
  return Vote(plate_bgr, classify, [](const std::string&, int) { return 1.0; });
}

}  // namespace kanjian::vision
