#include "vision/models/ocr/db_postprocess.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace kanjian::vision::ocr {
namespace {

// Mean of `prob` inside the contour (PaddleOCR's "slow" box score, which
// is more faithful for tilted text than the bounding-box mean).
float ContourScore(const cv::Mat& prob, const std::vector<cv::Point>& contour) {
  cv::Rect r = cv::boundingRect(contour) & cv::Rect(0, 0, prob.cols, prob.rows);
  if (r.empty()) return 0;
  cv::Mat mask = cv::Mat::zeros(r.size(), CV_8UC1);
  std::vector<cv::Point> shifted;
  shifted.reserve(contour.size());
  for (const cv::Point& p : contour) shifted.push_back(p - r.tl());
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{shifted}, cv::Scalar(1));
  return float(cv::mean(prob(r), mask)[0]);
}

}  // namespace

std::array<cv::Point2f, 4> OrderCorners(const std::array<cv::Point2f, 4>& pts) {
  std::array<cv::Point2f, 4> sorted = pts;
  std::sort(sorted.begin(), sorted.end(),
            [](const cv::Point2f& a, const cv::Point2f& b) { return a.x < b.x; });
  // Two leftmost: top-left has the smaller y; two rightmost likewise.
  cv::Point2f tl = sorted[0], bl = sorted[1], tr = sorted[2], br = sorted[3];
  if (tl.y > bl.y) std::swap(tl, bl);
  if (tr.y > br.y) std::swap(tr, br);
  return {tl, tr, br, bl};
}

std::vector<TextBox> DbBoxes(const cv::Mat& prob, const DbParams& params, float scale_x,
                             float scale_y, cv::Size image_size) {
  CV_Assert(prob.type() == CV_32FC1);
  cv::Mat bitmap = prob > params.threshold;  // CV_8U 0/255
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bitmap, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  if (int(contours.size()) > params.max_candidates) contours.resize(params.max_candidates);

  std::vector<TextBox> boxes;
  for (const auto& contour : contours) {
    if (contour.size() < 3) continue;
    cv::RotatedRect rect = cv::minAreaRect(contour);
    if (std::min(rect.size.width, rect.size.height) < params.min_side) continue;
    float score = ContourScore(prob, contour);
    if (score < params.box_threshold) continue;
    // Unclip: the kernel was shrunk by D = A(1-r^2)/L in training; grow
    // the polygon back by D' = A * unclip_ratio / L (A area, L perimeter).
    double area = cv::contourArea(contour);
    double perimeter = cv::arcLength(contour, true);
    if (perimeter <= 0) continue;
    float d = float(area * params.unclip_ratio / perimeter);
    cv::RotatedRect grown(
        rect.center, cv::Size2f(rect.size.width + 2 * d, rect.size.height + 2 * d), rect.angle);
    if (std::min(grown.size.width, grown.size.height) < params.min_side + 2) continue;
    cv::Point2f pts[4];
    grown.points(pts);
    std::array<cv::Point2f, 4> corners;
    for (int i = 0; i < 4; ++i) {
      corners[i].x = std::clamp(pts[i].x * scale_x, 0.f, float(image_size.width - 1));
      corners[i].y = std::clamp(pts[i].y * scale_y, 0.f, float(image_size.height - 1));
    }
    TextBox box;
    box.corners = OrderCorners(corners);
    box.score = score;
    cv::Point2f top = box.corners[1] - box.corners[0];
    cv::Point2f left = box.corners[3] - box.corners[0];
    // The long side's tilt; a vertical box (taller than wide) reports the tilt of its height.
    cv::Point2f axis = std::hypot(top.x, top.y) >= std::hypot(left.x, left.y) ? top : left;
    float deg = float(std::atan2(axis.y, axis.x) * 180.0 / CV_PI);
    if (deg > 45) deg -= 90;
    if (deg < -45) deg += 90;
    box.angle_deg = deg;
    boxes.push_back(box);
  }
  std::sort(boxes.begin(), boxes.end(), [](const TextBox& a, const TextBox& b) {
    float ay = a.corners[0].y, by = b.corners[0].y;
    if (std::abs(ay - by) > 10) return ay < by;
    return a.corners[0].x < b.corners[0].x;
  });
  return boxes;
}

}  // namespace kanjian::vision::ocr
