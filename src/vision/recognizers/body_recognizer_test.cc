#include "vision/recognizers/body_recognizer.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "vision/models/attribute_builtin.h"
#include "vision/recognizers/body_test_util.h"

namespace kanjian::vision {
namespace {

using namespace testing;

// Only the built-in methods: no model files needed.
std::shared_ptr<const ModelSet> BuiltinsOnly() {
  auto c = ParseModelsConfig(nlohmann::json::parse(R"({"attributes":{
      "玩手机识别":{"method":"builtin","builtin":"phone_near_person"},
      "赤膊识别":{"method":"builtin","builtin":"skin_torso"},
      "反光衣识别":{"method":"builtin","builtin":"fluorescent_vest"}}})"),
                             "/", "test");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  auto set = LoadModelSet(std::move(c.value()), 1);
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.value();
}

Detection Det(const char* label, float score, Box box) {
  return Detection{0, label, score, box};
}

// A textured "person": noise so the sharpness check passes, a grey shirt.
cv::Mat Scene() {
  cv::Mat img(400, 400, CV_8UC3);
  cv::randu(img, cv::Scalar::all(40), cv::Scalar::all(200));
  return img;
}

const BodyAttribute* Find(const Body& b, const std::string& name) {
  for (const auto& a : b.attributes)
    if (a.name == name) return &a;
  return nullptr;
}

TEST(BodyRecognizerTest, NoPersonMeansNoBody) {
  auto models = BuiltinsOnly();
  auto bodies = RecognizeBodies(Scene(), {Det("dog", 0.9f, {10, 10, 100, 100})}, *models,
                                BodyAction::kSecurity, {});
  ASSERT_TRUE(bodies.ok());
  EXPECT_TRUE(bodies->empty());
}

TEST(BodyRecognizerTest, OnlyConfiguredAttributesOfTheActionAreAnswered) {
  auto models = BuiltinsOnly();
  std::vector<Detection> dets = {Det("person", 0.8f, {100, 50, 120, 300})};
  auto sec = RecognizeBodies(Scene(), dets, *models, BodyAction::kSecurity, {});
  ASSERT_TRUE(sec.ok());
  ASSERT_EQ(sec->size(), 1u);
  const Body& b = (*sec)[0];
  EXPECT_EQ(b.rect.x, 100);
  EXPECT_FLOAT_EQ(b.detect_confidence, 0.8f);
  ASSERT_EQ(b.attributes.size(), 2u);  // 玩手机识别, 反光衣识别 (赤膊 is chef-only)
  EXPECT_EQ(b.attributes[0].name, "玩手机识别");
  EXPECT_EQ(b.attributes[0].label, "没有电话");
  EXPECT_EQ(b.attributes[1].name, "反光衣识别");
  EXPECT_EQ(b.attributes[1].label, "无反光衣");
  auto chef = RecognizeBodies(Scene(), dets, *models, BodyAction::kChefDress, {});
  ASSERT_TRUE(chef.ok());
  ASSERT_EQ((*chef)[0].attributes.size(), 1u);
  EXPECT_EQ((*chef)[0].attributes[0].name, "赤膊识别");
}

TEST(BodyRecognizerTest, PhoneAtTheHeadIsACallElsewhereIsPlaying) {
  auto models = BuiltinsOnly();
  std::vector<Detection> dets = {Det("person", 0.8f, {100, 50, 120, 300}),
                                 Det("cell phone", 0.6f, {180, 60, 20, 30})};
  auto call = RecognizeBodies(Scene(), dets, *models, BodyAction::kSecurity, {});
  ASSERT_TRUE(call.ok());
  EXPECT_EQ(Find((*call)[0], "玩手机识别")->label, "打电话");
  EXPECT_FLOAT_EQ(Find((*call)[0], "玩手机识别")->confidence, 0.6f);
  dets[1].box = {150, 180, 20, 30};
  auto play = RecognizeBodies(Scene(), dets, *models, BodyAction::kSecurity, {});
  EXPECT_EQ(Find((*play)[0], "玩手机识别")->label, "玩手机");
  dets[1].box = {330, 330, 20, 30};  // someone else's phone
  auto none = RecognizeBodies(Scene(), dets, *models, BodyAction::kSecurity, {});
  EXPECT_EQ(Find((*none)[0], "玩手机识别")->label, "没有电话");
}

TEST(BodyRecognizerTest, FluorescentTorsoIsAVest) {
  auto models = BuiltinsOnly();
  cv::Mat img = Scene();
  cv::rectangle(img, cv::Rect(110, 100, 100, 130), cv::Scalar(30, 255, 200),
                cv::FILLED);  // BGR yellow-green
  std::vector<Detection> dets = {Det("person", 0.8f, {100, 50, 120, 300})};
  auto b = RecognizeBodies(img, dets, *models, BodyAction::kSecurity, {});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(Find((*b)[0], "反光衣识别")->label, "有反光衣");
  EXPECT_GT(Find((*b)[0], "反光衣识别")->confidence, 0.9f);
}

TEST(BodyRecognizerTest, DetectionOffGivesOneWholeImageBodyWithZeroRect) {
  auto models = BuiltinsOnly();
  BodyOptions o;
  o.enable_detect = false;
  auto b = RecognizeBodies(Scene(), {}, *models, BodyAction::kSecurity, o);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].rect.width, 0);
  EXPECT_EQ((*b)[0].detect_confidence, 0.f);
  EXPECT_EQ((*b)[0].attributes.size(), 2u);
}

TEST(BodyRecognizerTest, PreferredFiltersSmallTruncatedAndBlurredBodies) {
  auto models = BuiltinsOnly();
  cv::Mat img = Scene();
  BodyOptions o;
  EXPECT_EQ(LowQualityReason(img, {100, 50, 120, 300}, o), "");
  EXPECT_EQ(LowQualityReason(img, {10, 10, 10, 30}, o), "small");
  EXPECT_EQ(LowQualityReason(img, {100, 0, 120, 300}, o), "truncated");
  cv::Mat blurred;
  cv::GaussianBlur(img, blurred, cv::Size(0, 0), 8);
  EXPECT_EQ(LowQualityReason(blurred, {100, 50, 120, 300}, o), "blurred");

  std::vector<Detection> dets = {Det("person", 0.9f, {100, 50, 120, 300}),
                                 Det("person", 0.5f, {10, 10, 10, 30})};
  auto b = RecognizeBodies(img, dets, *models, BodyAction::kSecurity, o);
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 2u);
  EXPECT_NE((*b)[0].attributes[0].label, kPreferredFiltered);
  for (const auto& a : (*b)[1].attributes) EXPECT_EQ(a.label, kPreferredFiltered);
  o.enable_preferred = false;
  auto c = RecognizeBodies(img, dets, *models, BodyAction::kSecurity, o);
  for (const auto& a : (*c)[1].attributes) EXPECT_NE(a.label, kPreferredFiltered);
}

TEST(BodyRecognizerTest, RealPhotoWithBundledModels) {
  KANJIAN_REQUIRE_FILE(FaceModelPath());
  KANJIAN_REQUIRE_FILE(EmbedModelPath());
  KANJIAN_REQUIRE_FILE(DetectorPath());
  KANJIAN_REQUIRE_FILE(PersonImage());
  auto reg = ModelRegistry::Load("", ModelsDir());
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  DetectorConfig dc;
  dc.model_path = DetectorPath();
  auto det = YoloDetector::Load(dc);
  ASSERT_TRUE(det.ok());
  cv::Mat img = cv::imread(PersonImage());
  auto dets = (*det)->Detect(img);
  ASSERT_TRUE(dets.ok());
  auto b = RecognizeBodies(img, *dets, *(*reg)->Snapshot(), BodyAction::kSecurity, {});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->size(), 1u);  // the woman (the dog and horse are not bodies)
  // Hand-labelled woman: x 190..275, y 95..380.
  cv::Rect got((*b)[0].rect.x, (*b)[0].rect.y, (*b)[0].rect.width, (*b)[0].rect.height);
  cv::Rect want(190, 95, 85, 285);
  EXPECT_GT(double((got & want).area()) / double((got | want).area()), 0.5) << got;
  EXPECT_EQ(Find((*b)[0], "玩手机识别"), nullptr);  // opt-in (model_registry.cc)
  EXPECT_EQ(Find((*b)[0], "反光衣识别")->label, "无反光衣");
}

}  // namespace
}  // namespace kanjian::vision
