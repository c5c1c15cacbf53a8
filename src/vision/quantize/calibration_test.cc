#include "vision/quantize/calibration.h"

#include <gtest/gtest.h>

#include "common/error_codes.h"
#include "vision/recognizers/body_test_util.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision {
namespace {

CalibrationInput EmbedderInput(std::vector<std::string> images) {
  CalibrationInput in;
  in.model_path = testing::EmbedModelPath();
  in.spec.width = in.spec.height = 256;
  in.spec.resize = InputSpec::Resize::kLetterbox;
  in.images = std::move(images);
  return in;
}

TEST(CalibrationTest, RangesCoverEveryPhoto) {
  KANJIAN_REQUIRE_FILE(testing::EmbedModelPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
  const std::string dog = testing::DarknetImage("dog.jpg");
  const std::string eagle = testing::DarknetImage("eagle.jpg");
  auto a = CalibrateRanges(EmbedderInput({dog}));
  auto b = CalibrateRanges(EmbedderInput({eagle}));
  auto both = CalibrateRanges(EmbedderInput({dog, eagle}));
  ASSERT_TRUE(a.ok() && b.ok() && both.ok()) << both.status().ToString();
  ASSERT_EQ(both->size(), 1u);  // the embedder's one output
  const TensorRange& r = both->at("embedding");
  EXPECT_LT(r.min, r.max);
  EXPECT_EQ(r.min, std::min(a->at("embedding").min, b->at("embedding").min));
  EXPECT_EQ(r.max, std::max(a->at("embedding").max, b->at("embedding").max));
  // One thread, photo order: the same photos give the same figures.
  auto again = CalibrateRanges(EmbedderInput({dog, eagle}));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->at("embedding").min, r.min);
  EXPECT_EQ(again->at("embedding").max, r.max);
}

TEST(CalibrationTest, ErrorsNameThePhotoOrAskForOne) {
  KANJIAN_REQUIRE_FILE(testing::EmbedModelPath());
  auto missing = CalibrateRanges(EmbedderInput({"/no/such/photo.jpg"}));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), errc::kImageDecodeFailed);
  EXPECT_NE(missing.status().message().find("/no/such/photo.jpg"), std::string::npos);
  auto none = CalibrateRanges(EmbedderInput({}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), errc::kInvalidParameterValue);
}

}  // namespace
}  // namespace kanjian::vision
