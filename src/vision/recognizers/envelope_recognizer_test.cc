#include "vision/recognizers/envelope_recognizer.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "vision/models/ocr/ocr_test_util.h"
#include "vision/recognizers/envelope_layout.h"

namespace kanjian::vision {
namespace {

TEST(EnvelopeJudge, SfFrontFromWaybillFields) {
  auto e = EvidenceFromText(
      {"顺丰速运", "SF EXPRESS", "运单号 SF123456789012", "寄件人：李四", "收件人：张三"});
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

TEST(EnvelopeJudge, LetterEnvelopeFromPostalMarks) {
  auto e = EvidenceFromText(
      {"上海市浦东新区世纪大道100号", "赵磊 收", "广东省深圳市南山区 王芳 寄", "邮政编码：610041"});
  EXPECT_EQ(e.postal_marks, 3);
  EXPECT_EQ(e.carrier_words, 0);
  auto r = JudgeEnvelope(e);
  EXPECT_EQ(r.first.name, "文件封");
  EXPECT_EQ(r.second.name, "非顺丰文件封正面");
  // One mark alone (a line ending in 收, e.g. a receipt's 已收) is not enough.
  EXPECT_EQ(JudgeEnvelope(EvidenceFromText({"货款 500元 已收"})).first.name, "非文件封");
  // A bare 收 is no mark: a name must come before it.
  EXPECT_EQ(EvidenceFromText({"收", "寄"}).postal_marks, 0);
}

TEST(EnvelopeJudge, FlapCountsOnlyWithoutText) {
  EnvelopeEvidence back;
  back.flap = true;
  auto r = JudgeEnvelope(back);
  EXPECT_EQ(r.first.name, "文件封");
  EXPECT_EQ(r.second.name, "非顺丰文件封反面");
  back.text_lines = 2;  // fold-like lines on a page with text: not judged a back
  EXPECT_EQ(JudgeEnvelope(back).first.name, "非文件封");
}

// Letter envelopes rendered by scripts/make_eval_images.py (dev set): the
// front by its postcode boxes and marks, the back by its flap; blank paper
// (same colours, no flap) is no envelope.
TEST(EnvelopeRecognizer, LetterEnvelopeFrontBackAndBlankPaper) {
  KANJIAN_REQUIRE_FILE(testing::OcrRecPath());
  const std::string dir = testing::RepoRoot() + "/tests/eval/images/";
  for (const char* n : {"postal_front_0.jpg", "postal_back_0.jpg", "blank_paper_0.jpg"})
    KANJIAN_REQUIRE_FILE(dir + n);
  const ocr::OcrEngine* ocr = testing::SharedOcr();
  ASSERT_NE(ocr, nullptr);
  cv::Mat front = cv::imread(dir + "postal_front_0.jpg");
  cv::Mat back = cv::imread(dir + "postal_back_0.jpg");
  cv::Mat blank = cv::imread(dir + "blank_paper_0.jpg");
  EXPECT_TRUE(HasPostcodeBoxes(front));
  EXPECT_FALSE(HasPostcodeBoxes(back));
  EXPECT_FALSE(HasPostcodeBoxes(cv::imread(dir + "envelope_sf_front_0.jpg")));
  EXPECT_TRUE(HasEnvelopeFlap(back));
  EXPECT_FALSE(HasEnvelopeFlap(blank));
  auto f = RecognizeEnvelope(front, *ocr);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->second.name, "非顺丰文件封正面");
  auto b = RecognizeEnvelope(back, *ocr);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->second.name, "非顺丰文件封反面");
  auto n = RecognizeEnvelope(blank, *ocr);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->first.name, "非文件封");
}

// A letter-envelope back drawn as scripts/make_eval_images.py draws one
// (its cream paper, grey 222; the flap 6 darker, fold lines 18 darker),
// tilted, on a table nearly as bright as the paper (214): the flap falls below the sheet's
// threshold, and only the sheet's hull still finds it. The same sheet
// without the flap is no back.
cv::Mat SheetOnBrightTable(bool with_flap) {
  cv::Mat sheet(330, 660, CV_8UC3, cv::Scalar::all(222));
  if (with_flap) {
    const std::vector<cv::Point> flap = {{0, 0}, {659, 0}, {460, 145}, {200, 145}};
    cv::fillConvexPoly(sheet, flap, cv::Scalar::all(216));
    cv::polylines(sheet, flap, false, cv::Scalar::all(204), 3);
    cv::line(sheet, {0, 329}, {330, 180}, cv::Scalar::all(212), 2);
    cv::line(sheet, {330, 180}, {659, 329}, cv::Scalar::all(212), 2);
  }
  cv::Mat photo(600, 800, CV_8UC3, cv::Scalar::all(214));
  const cv::Mat turn = cv::getRotationMatrix2D({330, 165}, 6, 0.85);
  cv::Mat tilted(600, 800, CV_8UC3), mask(600, 800, CV_8U), moved = turn.clone();
  moved.at<double>(0, 2) += 400 - 330;
  moved.at<double>(1, 2) += 300 - 165;
  cv::warpAffine(sheet, tilted, moved, photo.size(), cv::INTER_LINEAR);
  cv::warpAffine(cv::Mat(sheet.size(), CV_8U, cv::Scalar(255)), mask, moved, photo.size());
  tilted.copyTo(photo, mask);
  return photo;
}

TEST(EnvelopeLayout, FlapOnATableNearlyAsBrightAsThePaper) {
  EXPECT_TRUE(HasEnvelopeFlap(SheetOnBrightTable(true)));
  EXPECT_FALSE(HasEnvelopeFlap(SheetOnBrightTable(false)));
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
