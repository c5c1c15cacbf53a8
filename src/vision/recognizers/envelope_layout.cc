#include "vision/recognizers/envelope_layout.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace kanjian::vision {
namespace {

cv::Mat GrayAtMost800(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  double f = std::min(1.0, 800.0 / std::max(gray.cols, gray.rows));
  if (f < 1) cv::resize(gray, gray, cv::Size(), f, f, cv::INTER_AREA);
  return gray;
}

// Angle in degrees folded into [-45, 45): a square's tilt, whichever side.
float SquareTilt(float angle) {
  while (angle >= 45) angle -= 90;
  while (angle < -45) angle += 90;
  return angle;
}

struct Square {
  cv::Point2f centre;
  float side = 0;
  float tilt = 0;
};

std::vector<Square> Squares(const cv::Mat& gray) {
  cv::Mat bin;
  cv::adaptiveThreshold(gray, bin, 255, cv::ADAPTIVE_THRESH_MEAN_C, cv::THRESH_BINARY_INV, 15, 8);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bin, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  std::vector<Square> out;
  const double max_area = 0.02 * double(gray.total());
  for (const auto& c : contours) {
    double area = cv::contourArea(c);
    if (area < 80 || area > max_area) continue;
    std::vector<cv::Point> approx;
    cv::approxPolyDP(c, approx, 0.06 * cv::arcLength(c, true), true);
    if (approx.size() != 4 || !cv::isContourConvex(approx)) continue;
    cv::RotatedRect rr = cv::minAreaRect(approx);
    float w = rr.size.width, h = rr.size.height;
    if (w < 8 || h < 8 || w / h < 0.8f || w / h > 1.25f || area < 0.8 * w * h) continue;
    Square s{rr.center, 0.5f * (w + h), SquareTilt(rr.angle)};
    // The inner and outer edge of one drawn box are one square.
    bool seen = false;
    for (const auto& o : out)
      seen = seen || (cv::norm(o.centre - s.centre) < 0.3 * s.side &&
                      std::abs(o.side - s.side) < 0.3 * s.side);
    if (!seen) out.push_back(s);
  }
  return out;
}

}  // namespace

bool HasPostcodeBoxes(const cv::Mat& bgr) {
  if (bgr.empty()) return false;
  const std::vector<Square> squares = Squares(GrayAtMost800(bgr));
  for (const Square& a : squares) {
    const float rad = a.tilt * float(CV_PI / 180);
    const cv::Point2f u(std::cos(rad), std::sin(rad));
    // Positions along the row through `a` of squares like it.
    std::vector<float> along;
    for (const Square& b : squares) {
      if (std::abs(b.side - a.side) > 0.2f * a.side || std::abs(b.tilt - a.tilt) > 6) continue;
      const cv::Point2f d = b.centre - a.centre;
      const float t = d.dot(u), p = d.dot(cv::Point2f(-u.y, u.x));
      if (std::abs(p) < 0.3f * a.side && std::abs(t) < 10 * a.side) along.push_back(t);
    }
    std::sort(along.begin(), along.end());
    int run = 1;
    for (size_t i = 1; i < along.size(); ++i) {
      const float gap = (along[i] - along[i - 1]) / a.side;
      run = (gap >= 1.05f && gap <= 1.8f) ? run + 1 : 1;
      if (run >= 5) return true;
    }
  }
  return false;
}

bool HasEnvelopeFlap(const cv::Mat& bgr) {
  if (bgr.empty()) return false;
  cv::Mat gray = GrayAtMost800(bgr);
  cv::GaussianBlur(gray, gray, cv::Size(5, 5), 0);
  // The sheet: the largest bright region, close to a quadrilateral.
  cv::Mat bright;
  double otsu = cv::threshold(gray, bright, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (otsu < 90) return false;  // no bright paper against a darker ground
  cv::morphologyEx(bright, bright, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_RECT, {7, 7}));
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bright, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  if (contours.empty()) return false;
  auto largest = std::max_element(
      contours.begin(), contours.end(),
      [](const auto& a, const auto& b) { return cv::contourArea(a) < cv::contourArea(b); });
  // Its convex hull: on a table nearly as bright as the paper, the slightly
  // darker flap falls below the threshold and leaves the sheet's outline
  // with a notch; the hull is the whole sheet again.
  std::vector<cv::Point> hull;
  cv::convexHull(*largest, hull);
  const double area = cv::contourArea(hull);
  if (area < 0.15 * double(gray.total())) return false;
  const cv::RotatedRect sheet = cv::minAreaRect(hull);
  if (area < 0.85 * double(sheet.size.area())) return false;  // not a quadrilateral
  const float sheet_w = std::max(sheet.size.width, sheet.size.height);
  const float long_side_deg =
      sheet.size.width >= sheet.size.height ? sheet.angle : sheet.angle + 90;
  // Untextured: fold lines are the only edges well inside the sheet.
  cv::Mat inside = cv::Mat::zeros(gray.size(), CV_8U);
  cv::fillConvexPoly(inside, hull, cv::Scalar(255));
  cv::erode(inside, inside, cv::getStructuringElement(cv::MORPH_RECT, {17, 17}));
  cv::Mat edges;
  cv::Canny(gray, edges, 8, 24);
  edges &= inside;
  if (cv::countNonZero(edges) > 0.08 * cv::countNonZero(inside))
    return false;  // textured, not paper
  std::vector<cv::Vec4i> lines;
  cv::HoughLinesP(edges, lines, 1, CV_PI / 180, 40, 0.2 * sheet_w, 12);
  bool rising = false, falling = false;
  for (const auto& l : lines) {
    float deg = float(std::atan2(l[3] - l[1], l[2] - l[0]) * 180 / CV_PI) - long_side_deg;
    while (deg > 90) deg -= 180;
    while (deg <= -90) deg += 180;
    if (std::abs(deg) < 12 || std::abs(deg) > 60) continue;
    (deg > 0 ? rising : falling) = true;
  }
  return rising && falling;
}

}  // namespace kanjian::vision
