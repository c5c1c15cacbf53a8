#include "vision/models/attribute_builtin.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "common/error_codes.h"

namespace kanjian::vision {
namespace {

constexpr float kPhoneMinScore = 0.30f;
constexpr float kDetectorFloor = 0.25f;  // the detector keeps nothing below this
constexpr float kSkinThreshold = 0.45f;
constexpr float kVestThreshold = 0.12f;

// 0.5 at the threshold, rising linearly to 1 at distance `span` from it.
float Margin(float share, float threshold, float span) {
  return std::clamp(0.5f + 0.5f * std::abs(share - threshold) / span, 0.5f, 1.0f);
}

// The torso: the "upper" region's central 70% of the width.
cv::Rect Torso(const BodyContext& body) {
  cv::Rect u = BodyRegion(body, "upper");
  int inset = int(u.width * 0.15);
  return cv::Rect(u.x + inset, u.y, std::max(1, u.width - 2 * inset), u.height);
}

class PhoneNearPerson : public AttributeClassifier {
 public:
  Result<AttributeJudgement> Judge(const BodyContext& body) const override {
    const cv::Rect& b = body.body;
    cv::Rect grown(b.x - b.width / 10, b.y, b.width + b.width / 5, b.height);
    cv::Rect head = BodyRegion(body, "head");
    head = cv::Rect(head.x - head.width / 4, head.y, head.width + head.width / 2,
                    head.height + head.height / 4);
    float best = 0, near_any = 0;
    bool at_head = false;
    for (const Detection& d : body.detections) {
      if (d.label != "cell phone") continue;
      cv::Point c(d.box.x + d.box.width / 2, d.box.y + d.box.height / 2);
      if (!grown.contains(c)) continue;
      near_any = std::max(near_any, d.score);
      if (d.score < kPhoneMinScore || d.score <= best) continue;
      best = d.score;
      at_head = head.contains(c);
    }
    if (best > 0) return AttributeJudgement{at_head ? "打电话" : "玩手机", best};
    return AttributeJudgement{"没有电话", 1 - std::max(near_any, kDetectorFloor)};
  }
};

class SkinTorso : public AttributeClassifier {
 public:
  Result<AttributeJudgement> Judge(const BodyContext& body) const override {
    cv::Rect t = Torso(body) & cv::Rect(0, 0, body.image.cols, body.image.rows);
    if (t.area() <= 0) return Status(errc::kInternalError, "empty torso");
    float share = SkinShare(body.image(t));
    bool bare = share >= kSkinThreshold;
    return AttributeJudgement{bare ? "赤膊" : "非赤膊", Margin(share, kSkinThreshold, 0.35f)};
  }
};

class FluorescentVest : public AttributeClassifier {
 public:
  Result<AttributeJudgement> Judge(const BodyContext& body) const override {
    cv::Rect t = Torso(body) & cv::Rect(0, 0, body.image.cols, body.image.rows);
    if (t.area() <= 0) return Status(errc::kInternalError, "empty torso");
    float share = FluorescentShare(body.image(t));
    bool vest = share >= kVestThreshold;
    return AttributeJudgement{vest ? "有反光衣" : "无反光衣", Margin(share, kVestThreshold, 0.2f)};
  }
};

}  // namespace

float SkinShare(const cv::Mat& bgr) {
  if (bgr.empty()) return 0;
  cv::Mat ycrcb, mask;
  cv::cvtColor(bgr, ycrcb, cv::COLOR_BGR2YCrCb);
  cv::inRange(ycrcb, cv::Scalar(60, 135, 80), cv::Scalar(255, 175, 125), mask);
  return float(cv::countNonZero(mask)) / float(mask.total());
}

float FluorescentShare(const cv::Mat& bgr) {
  if (bgr.empty()) return 0;
  cv::Mat hsv, yellow, orange;
  cv::cvtColor(bgr, hsv, cv::COLOR_BGR2HSV);  // H 0..180
  cv::inRange(hsv, cv::Scalar(25, 120, 150), cv::Scalar(45, 255, 255), yellow);
  cv::inRange(hsv, cv::Scalar(5, 170, 170), cv::Scalar(22, 255, 255), orange);
  return float(cv::countNonZero(yellow | orange)) / float(hsv.total());
}

std::string_view BuiltinAttributeFor(std::string_view method) {
  if (method == "phone_near_person") return "玩手机识别";
  if (method == "skin_torso") return "赤膊识别";
  if (method == "fluorescent_vest") return "反光衣识别";
  return "";
}

Result<std::unique_ptr<AttributeClassifier>> MakeBuiltinClassifier(const std::string& attribute,
                                                                   const std::string& method) {
  std::string_view want = BuiltinAttributeFor(method);
  if (want.empty())
    return Status(errc::kInvalidConfiguration, "unknown builtin attribute method '" + method + "'");
  if (want != attribute) {
    return Status(errc::kInvalidConfiguration, "builtin method '" + method + "' judges " +
                                                   std::string(want) + ", not " + attribute);
  }
  if (method == "phone_near_person")
    return std::unique_ptr<AttributeClassifier>(new PhoneNearPerson);
  if (method == "skin_torso") return std::unique_ptr<AttributeClassifier>(new SkinTorso);
  return std::unique_ptr<AttributeClassifier>(new FluorescentVest);
}

}  // namespace kanjian::vision
