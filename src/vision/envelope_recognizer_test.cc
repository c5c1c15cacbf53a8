#include "vision/envelope_recognizer.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>

#include "vision/ocr/ocr_test_util.h"

namespace kanjian::vision {
namespace {

TEST(EnvelopeJudge, SfFrontFromWaybillFields) {
  auto e = EvidenceFromText({"顺丰速运", "SF EXPRESS", "运单号 SF123456789012", "寄件人：李四",
                             "收件人：张三"});
  EXPECT_TRUE(e.sf);
  EXPECT_EQ(e.front_fields, 3);
  EXPECT_TRUE(e.waybill);
  auto r = JudgeEnvelope(e);
  EXPECT_EQ(r.first.name, "文件封");
  EXPECT_EQ(r.second.name, "顺丰文件封正面");
  EXPECT_GE(r.first.confidence, 90);
  EXPECT_LE(r.first.confidence, 100);
}

TEST(EnvelopeJudge, OtherCarrierBack) {
  auto r = JudgeEnvelope(EvidenceFromText({"中通快递", "ZTO EXPRESS", "温馨提示：请勿寄递现金"}));
  EXPECT_EQ(r.first.name, "文件封");
  EXPECT_EQ(r.second.name, "非顺丰文件封反面");
}

TEST(EnvelopeJudge, SfWaybillNumberAloneMeansSf) {
  auto e = EvidenceFromText({"收件人 王五", "SF1234567890123"});
  EXPECT_TRUE(e.sf);
  EXPECT_EQ(JudgeEnvelope(e).second.name, "顺丰文件封正面");
}

TEST(EnvelopeJudge, TextWithoutCarrierEvidenceIsNoEnvelope) {
  auto r = JudgeEnvelope(EvidenceFromText({"会议通知", "时间：周三下午三点"}));
  EXPECT_EQ(r.first.name, "非文件封");
  EXPECT_EQ(r.second.name, "非文件封");
  EXPECT_GE(r.first.confidence, 90);
  // A barcode alone is a weaker "no".
  EnvelopeEvidence barcode_only;
  barcode_only.barcode = true;
  auto weak = JudgeEnvelope(barcode_only);
  EXPECT_EQ(weak.first.name, "非文件封");
  EXPECT_LT(weak.first.confidence, r.first.confidence);
}

TEST(EnvelopeRecognizer, SyntheticSfFrontAndNoEnvelopePhoto) {
  KANJIAN_REQUIRE_FILE(testing::OcrRecPath());
  const std::string front = testing::RepoRoot() + "/tests/eval/images/envelope_sf_front_0.jpg";
  KANJIAN_REQUIRE_FILE(front);
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("eagle.jpg"));
  const ocr::OcrEngine* ocr = testing::SharedOcr();
  ASSERT_NE(ocr, nullptr);
  cv::Mat img = cv::imread(front);
  EXPECT_TRUE(HasBarcode(img));
  auto r = RecognizeEnvelope(img, *ocr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->first.name, "文件封");
  EXPECT_EQ(r->second.name, "顺丰文件封正面");
  cv::Mat eagle = cv::imread(testing::DarknetImage("eagle.jpg"));
  EXPECT_FALSE(HasBarcode(eagle));
  auto n = RecognizeEnvelope(eagle, *ocr);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->first.name, "非文件封");
}

}  // namespace
}  // namespace kanjian::vision
