#include "vision/runtime/image_tensor.h"

#include <gtest/gtest.h>

#include <vector>

namespace kanjian::vision {
namespace {

TEST(StrideAlignedSize, KeepsThePhotosAspectRoundedUpToTheStride) {
  EXPECT_EQ(StrideAlignedSize({1280, 720}, 640, 32), cv::Size(640, 384));  // 16:9: 360 → 384
  EXPECT_EQ(StrideAlignedSize({768, 576}, 640, 32), cv::Size(640, 480));   // 4:3
  EXPECT_EQ(StrideAlignedSize({720, 1280}, 640, 32), cv::Size(384, 640));  // portrait
  EXPECT_EQ(StrideAlignedSize({500, 500}, 640, 32), cv::Size(640, 640));
  EXPECT_EQ(StrideAlignedSize({4000, 10}, 640, 32), cv::Size(640, 32));  // never below one stride
  EXPECT_EQ(StrideAlignedSize({100, 75}, 640, 32), cv::Size(640, 480));  // small photos scale up
}

TEST(FillInputTensor, LetterboxCentresThePhotoOnARectangularCanvas) {
  // A white 1280x720 photo into 640x384: scale 0.5, 12 rows of padding
  // above and below.
  cv::Mat white(720, 1280, CV_8UC3, cv::Scalar::all(255));
  InputSpec spec;
  spec.width = 640;
  spec.height = 384;
  spec.resize = InputSpec::Resize::kLetterbox;
  std::vector<float> t(size_t(3) * 640 * 384);
  InputGeometry g = FillInputTensor(white, spec, t.data());
  EXPECT_FLOAT_EQ(g.scale_x, 0.5f);
  EXPECT_FLOAT_EQ(g.scale_y, 0.5f);
  EXPECT_EQ(g.pad_x, 0);
  EXPECT_EQ(g.pad_y, 12);
  const size_t plane = size_t(640) * 384;
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(t[c * plane + 0], 114 / 255.f, 1e-6);          // padding row 0
    EXPECT_NEAR(t[c * plane + 12 * 640], 1.f, 1e-6);           // first photo row
    EXPECT_NEAR(t[c * plane + 371 * 640 + 639], 1.f, 1e-6);    // last photo row
    EXPECT_NEAR(t[c * plane + 372 * 640], 114 / 255.f, 1e-6);  // padding below
  }
}

TEST(FillInputTensor, ChannelOrderMeanAndStdPerLayout) {
  cv::Mat px(1, 1, CV_8UC3, cv::Scalar(10, 20, 30));  // B, G, R
  InputSpec spec;
  spec.width = spec.height = 1;
  spec.scale = 1;
  spec.mean = {1, 2, 3};
  spec.std = {2, 2, 2};
  float nchw[3], nhwc[3];
  FillInputTensor(px, spec, nchw);  // RGB
  spec.layout = InputSpec::Layout::kNHWC;
  spec.rgb = false;
  FillInputTensor(px, spec, nhwc);  // BGR
  EXPECT_FLOAT_EQ(nchw[0], (30 - 1) / 2.f);
  EXPECT_FLOAT_EQ(nchw[1], (20 - 2) / 2.f);
  EXPECT_FLOAT_EQ(nchw[2], (10 - 3) / 2.f);
  EXPECT_FLOAT_EQ(nhwc[0], (10 - 1) / 2.f);
  EXPECT_FLOAT_EQ(nhwc[1], (20 - 2) / 2.f);
  EXPECT_FLOAT_EQ(nhwc[2], (30 - 3) / 2.f);
}

}  // namespace
}  // namespace kanjian::vision
