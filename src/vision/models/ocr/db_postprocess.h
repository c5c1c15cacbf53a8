// DB (Differentiable Binarization) post-processing for PP-OCR text detection:
// probability map -> threshold -> contours -> box score -> unclip -> min-area
// rotated boxes, mapped back to image pixels.
#pragma once

#include <array>
#include <opencv2/core.hpp>
#include <vector>

namespace kanjian::vision::ocr {

struct DbParams {
  float threshold = 0.3f;      // pixel probability that counts as text
  float box_threshold = 0.6f;  // mean probability inside a box to keep it
  float unclip_ratio = 1.5f;   // grows the shrunk text kernel back (PaddleOCR default)
  int max_candidates = 1000;
  float min_side = 3;  // boxes with a shorter side (map pixels) are dropped
};

// Four corners, clockwise from top-left, in image pixels.
struct TextBox {
  std::array<cv::Point2f, 4> corners;
  float score = 0;      // mean probability inside the kernel, 0..1
  float angle_deg = 0;  // tilt of the long side from horizontal, -45..45
};

// `prob` is CV_32FC1 (the map the network produced, possibly padded);
// scale_x/scale_y map map pixels to image pixels; image_size clips the result.
// Boxes are sorted top-to-bottom, then left-to-right.
std::vector<TextBox> DbBoxes(const cv::Mat& prob, const DbParams& params, float scale_x,
                             float scale_y, cv::Size image_size);

// Orders 4 points clockwise starting at the top-left.
std::array<cv::Point2f, 4> OrderCorners(const std::array<cv::Point2f, 4>& pts);

}  // namespace kanjian::vision::ocr
