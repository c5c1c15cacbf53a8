#include "vision/models/ocr/db_postprocess.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

namespace kanjian::vision::ocr {
namespace {

TEST(DbPostprocess, OneRectangleBecomesOneGrownBoxInImagePixels) {
  cv::Mat prob = cv::Mat::zeros(64, 128, CV_32FC1);
  cv::rectangle(prob, cv::Rect(20, 20, 80, 16), cv::Scalar(0.95), cv::FILLED);
  // The map is half the image size.
  auto boxes = DbBoxes(prob, DbParams{}, 2.f, 2.f, cv::Size(256, 128));
  ASSERT_EQ(boxes.size(), 1u);
  const TextBox& b = boxes[0];
  EXPECT_NEAR(b.score, 0.95f, 0.01f);
  EXPECT_NEAR(b.angle_deg, 0, 1);
  // Grown around the kernel (40..200 x 40..72 in image pixels), never shrunk.
  EXPECT_LT(b.corners[0].x, 40);
  EXPECT_LT(b.corners[0].y, 40);
  EXPECT_GT(b.corners[2].x, 198);
  EXPECT_GT(b.corners[2].y, 70);
  EXPECT_LT(b.corners[2].x, 230);
}

TEST(DbPostprocess, WeakAndTinyRegionsAreDropped) {
  cv::Mat prob = cv::Mat::zeros(64, 128, CV_32FC1);
  cv::rectangle(prob, cv::Rect(10, 10, 60, 10), cv::Scalar(0.45),
                cv::FILLED);  // below box_threshold
  cv::rectangle(prob, cv::Rect(100, 40, 2, 2), cv::Scalar(0.99), cv::FILLED);  // too small
  EXPECT_TRUE(DbBoxes(prob, DbParams{}, 1, 1, cv::Size(128, 64)).empty());
}

TEST(DbPostprocess, TiltedTextReportsItsAngle) {
  cv::Mat prob = cv::Mat::zeros(200, 200, CV_32FC1);
  cv::RotatedRect r(cv::Point2f(100, 100), cv::Size2f(120, 20), 10);
  cv::Point2f p[4];
  r.points(p);
  std::vector<cv::Point> poly(p, p + 4);
  cv::fillConvexPoly(prob, poly, cv::Scalar(0.9));
  auto boxes = DbBoxes(prob, DbParams{}, 1, 1, cv::Size(200, 200));
  ASSERT_EQ(boxes.size(), 1u);
  EXPECT_NEAR(std::abs(boxes[0].angle_deg), 10, 2);
}

TEST(DbPostprocess, OrderCornersIsClockwiseFromTopLeft) {
  auto c = OrderCorners(
      {cv::Point2f(10, 10), cv::Point2f(0, 10), cv::Point2f(10, 0), cv::Point2f(0, 0)});
  EXPECT_EQ(c[0], cv::Point2f(0, 0));
  EXPECT_EQ(c[1], cv::Point2f(10, 0));
  EXPECT_EQ(c[2], cv::Point2f(10, 10));
  EXPECT_EQ(c[3], cv::Point2f(0, 10));
}

}  // namespace
}  // namespace kanjian::vision::ocr
