#include "vision/models/ocr/ctc_decoder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "common/error_codes.h"

namespace kanjian::vision::ocr {
namespace {

// probs[t] is one-hot at cls[t] with probability p[t] (the rest spread evenly).
std::vector<float> OneHot(const std::vector<int>& cls, const std::vector<float>& p, int classes) {
  std::vector<float> out(cls.size() * classes);
  for (size_t t = 0; t < cls.size(); ++t) {
    for (int c = 0; c < classes; ++c) out[t * classes + c] = (1 - p[t]) / (classes - 1);
    out[t * classes + cls[t]] = p[t];
  }
  return out;
}

const std::vector<std::string> kCharset = {"京", "A", "8", "B", "1"};  // classes 1..5, 6 = space

TEST(CtcDecoder, CollapsesRepeatsAndDropsBlanks) {
  // 京 京 _ A A _ 8 _ 8 (blank between repeats keeps both 8s)
  auto probs = OneHot({1, 1, 0, 2, 2, 0, 3, 0, 3}, std::vector<float>(9, 0.9f), 7);
  DecodedText d = CtcGreedyDecode(probs.data(), 9, 7, kCharset);
  EXPECT_EQ(d.text, "京A88");
  ASSERT_EQ(d.char_confidence.size(), 4u);
  EXPECT_NEAR(d.confidence, 0.9f, 1e-5);
}

TEST(CtcDecoder, SpaceClassAndConfidenceIsTheMean) {
  auto probs = OneHot({4, 6, 5}, {0.5f, 0.7f, 0.9f}, 7);
  DecodedText d = CtcGreedyDecode(probs.data(), 3, 7, kCharset);
  EXPECT_EQ(d.text, "B 1");
  EXPECT_NEAR(d.confidence, 0.7f, 1e-5);
}

TEST(CtcDecoder, AllBlankIsEmptyWithZeroConfidence) {
  auto probs = OneHot({0, 0, 0}, {0.99f, 0.99f, 0.99f}, 7);
  DecodedText d = CtcGreedyDecode(probs.data(), 3, 7, kCharset);
  EXPECT_EQ(d.text, "");
  EXPECT_EQ(d.confidence, 0);
}

TEST(CtcDecoder, LoadCharsetStripsCarriageReturnsAndNamesMissingFile) {
  std::string path = ::testing::TempDir() + "/keys.txt";
  { std::ofstream(path) << "京\r\nA\n8\n"; }
  auto keys = LoadCharset(path);
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(*keys, (std::vector<std::string>{"京", "A", "8"}));
  std::remove(path.c_str());
  auto missing = LoadCharset("/nonexistent/ppocr_keys_v1.txt");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), errc::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/ppocr_keys_v1.txt"), std::string::npos);
}

}  // namespace
}  // namespace kanjian::vision::ocr
