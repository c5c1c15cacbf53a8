#include "vision/recognizers/envelope_recognizer.h"

#include <algorithm>
#include <cctype>
#include <opencv2/imgproc.hpp>
#include <string_view>

#include "vision/recognizers/envelope_layout.h"

namespace kanjian::vision {
namespace {

constexpr std::string_view kSfWords[] = {"顺丰", "SFEXPRESS", "95338"};
constexpr std::string_view kCarrierWords[] = {"快递",    "速运", "速递", "物流",  "邮政", "EMS",
                                              "EXPRESS", "中通", "圆通", "申通",  "韵达", "京东",
                                              "百世",    "德邦", "极兔", "文件封"};
constexpr std::string_view kFrontFields[] = {"收件人", "寄件人", "收件",  "寄件",
                                             "收方",   "寄方",   "运单号"};

// Upper-case ASCII, no spaces.
std::string Normalise(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == ' ') continue;
    out += char(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

bool HasDigitRun(const std::string& s, int n) {
  int run = 0;
  for (char c : s) {
    run = std::isdigit(static_cast<unsigned char>(c)) ? run + 1 : 0;
    if (run >= n) return true;
  }
  return false;
}

float Clamp(float v) {
  return std::clamp(v, 0.f, 99.f);
}

bool EndsWith(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Marks of a letter envelope: "张三 收", "…路1号 李四 寄", 邮政编码, 贴邮票处.
int PostalMarks(const std::vector<std::string>& lines) {
  bool to = false, from = false, postcode = false, stamp = false;
  for (const auto& raw : lines) {
    const std::string l = Normalise(raw);
    // A name before the mark: at least one more character than the mark.
    to = to || (EndsWith(l, "收") && l.size() > 3);
    from = from || (EndsWith(l, "寄") && l.size() > 3);
    postcode =
        postcode || l.find("邮政编码") != std::string::npos || l.find("邮编") != std::string::npos;
    stamp = stamp || l.find("邮票") != std::string::npos;
  }
  return int(to) + int(from) + int(postcode) + int(stamp);
}

}  // namespace

EnvelopeEvidence EvidenceFromText(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += Normalise(l) + "\n";
  EnvelopeEvidence e;
  for (auto w : kSfWords)
    if (all.find(w) != std::string::npos) e.sf = true;
  // 邮政编码 (postcode) names no carrier: it is on every letter and many forms.
  std::string carrier_text = all;
  for (size_t p = carrier_text.find("邮政编码"); p != std::string::npos;
       p = carrier_text.find("邮政编码"))
    carrier_text.erase(p, std::string_view("邮政编码").size());
  for (auto w : kCarrierWords)
    if (carrier_text.find(w) != std::string::npos) ++e.carrier_words;
  if (e.sf) ++e.carrier_words;
  // 收件/寄件 are counted within 收件人/寄件人: count distinct roles, not substrings.
  bool sender = all.find("寄件") != std::string::npos || all.find("寄方") != std::string::npos;
  bool receiver = all.find("收件") != std::string::npos || all.find("收方") != std::string::npos;
  e.front_fields = int(sender) + int(receiver) + int(all.find("运单号") != std::string::npos);
  e.waybill = HasDigitRun(all, 10);
  e.postal_marks = PostalMarks(lines);
  e.text_lines = int(lines.size());
  if (!e.sf) {  // an SF waybill number: "SF" + 12 digits
    for (size_t p = all.find("SF"); p != std::string::npos; p = all.find("SF", p + 2)) {
      if (HasDigitRun(all.substr(p + 2, 12), 10)) e.sf = true;
    }
    if (e.sf) ++e.carrier_words;
  }
  return e;
}

EnvelopeResult JudgeEnvelope(const EnvelopeEvidence& e) {
  EnvelopeResult r;
  r.evidence = e;
  const bool code = e.waybill || e.barcode;
  const bool letter_front = e.postcode_boxes || e.postal_marks >= 2;
  const bool letter_back = e.flap && e.text_lines == 0;
  const bool is_envelope =
      e.carrier_words > 0 || (e.front_fields > 0 && code) || letter_front || letter_back;
  if (!is_envelope) {
    // Partial clues (a barcode alone, a 收件人 alone) lower the certainty.
    float conf = 95.f - 15.f * float(int(code) + std::min(e.front_fields, 2));
    r.first = {"非文件封", Clamp(conf)};
    r.second = {"非文件封", Clamp(conf)};
    return r;
  }
  const int items = e.carrier_words + e.front_fields + int(e.waybill) + int(e.barcode) +
                    e.postal_marks + int(e.postcode_boxes) + int(e.flap);
  r.first = {"文件封", Clamp(55.f + 10.f * float(items))};
  const bool front = e.front_fields > 0 || code || letter_front;
  // Front/back: strong when waybill fields and a code agree, weaker from one clue.
  float side_conf = front ? 50.f + 15.f * float(e.front_fields + int(e.waybill) + int(e.barcode) +
                                                e.postal_marks + int(e.postcode_boxes))
                          : 60.f + 10.f * float(std::min(e.carrier_words, 3));
  float brand_conf = e.sf ? 90.f : 50.f + 15.f * float(std::min(e.carrier_words, 3));
  std::string name = std::string(e.sf ? "顺丰" : "非顺丰") + "文件封" + (front ? "正面" : "反面");
  r.second = {name, Clamp(std::min(side_conf, brand_conf))};
  return r;
}

bool HasBarcode(const cv::Mat& bgr) {
  if (bgr.empty()) return false;
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  double f = std::min(1.0, 800.0 / std::max(gray.cols, gray.rows));
  if (f < 1) cv::resize(gray, gray, cv::Size(), f, f, cv::INTER_AREA);
  // Bars: strong horizontal gradient, weak vertical gradient, over a wide area.
  cv::Mat gx, gy, diff;
  cv::Sobel(gray, gx, CV_32F, 1, 0, -1);
  cv::Sobel(gray, gy, CV_32F, 0, 1, -1);
  cv::subtract(cv::abs(gx), cv::abs(gy), diff);
  cv::Mat mag;
  cv::convertScaleAbs(cv::max(diff, 0), mag);
  cv::blur(mag, mag, cv::Size(9, 9));
  cv::Mat bin;
  cv::threshold(mag, bin, 150, 255, cv::THRESH_BINARY);
  cv::morphologyEx(bin, bin, cv::MORPH_CLOSE, cv::getStructuringElement(cv::MORPH_RECT, {21, 7}));
  cv::erode(bin, bin, cv::Mat(), {-1, -1}, 3);
  cv::dilate(bin, bin, cv::Mat(), {-1, -1}, 3);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(bin, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  const double min_area = 0.004 * gray.total();
  for (const auto& c : contours) {
    cv::RotatedRect rr = cv::minAreaRect(c);
    double w = std::max(rr.size.width, rr.size.height), h = std::min(rr.size.width, rr.size.height);
    if (h < 12 || w * h < min_area) continue;
    if (w / h < 1.5 || w / h > 12) continue;
    // Solid: the contour fills its rectangle (text lines are ragged).
    if (cv::contourArea(c) < 0.7 * w * h) continue;
    // Bars run the full height: the column profile of an upper band matches
    // that of a lower band (allowing a small shift for tilt); text strokes
    // and edges do not line up like that. And bars alternate many times.
    cv::Rect br = cv::boundingRect(c) & cv::Rect(0, 0, gray.cols, gray.rows);
    if (br.height < 12 || br.width < 40) continue;
    auto band_profile = [&](double at) {
      cv::Rect band(br.x, br.y + int(br.height * at), br.width, std::max(1, br.height / 6));
      band &= cv::Rect(0, 0, gray.cols, gray.rows);
      cv::Mat row;
      cv::reduce(gray(band), row, 0, cv::REDUCE_AVG, CV_32F);
      return row;
    };
    cv::Mat upper = band_profile(0.2), lower = band_profile(0.65), middle = band_profile(0.42);
    cv::Scalar mean, sd;
    cv::meanStdDev(middle, mean, sd);
    int transitions = 0;
    bool above = middle.at<float>(0) > mean[0];
    for (int x = 1; x < middle.cols; ++x) {
      bool a = middle.at<float>(x) > mean[0];
      if (a != above) ++transitions;
      above = a;
    }
    if (transitions < 20 || sd[0] < 20) continue;
    const int max_shift = std::max(2, br.height / 6);
    double best = -1;
    for (int shift = -max_shift; shift <= max_shift; ++shift) {
      int n = upper.cols - std::abs(shift);
      if (n < 20) continue;
      cv::Mat a = upper.colRange(std::max(0, shift), std::max(0, shift) + n);
      cv::Mat b = lower.colRange(std::max(0, -shift), std::max(0, -shift) + n);
      cv::Mat corr;
      cv::matchTemplate(a, b, corr, cv::TM_CCOEFF_NORMED);
      best = std::max(best, double(corr.at<float>(0, 0)));
    }
    if (best >= 0.75) return true;
  }
  return false;
}

Result<EnvelopeResult> RecognizeEnvelope(const cv::Mat& bgr, const ocr::OcrEngine& ocr) {
  ASSIGN_OR_RETURN(auto lines, ocr.Read(bgr, ocr::DetectOptions{}));
  std::vector<std::string> texts;
  for (const auto& l : lines)
    if (l.confidence >= 0.5f) texts.push_back(l.text);
  EnvelopeEvidence e = EvidenceFromText(texts);
  e.barcode = HasBarcode(bgr);
  e.postcode_boxes = HasPostcodeBoxes(bgr);
  // The flap only decides when nothing else does: no text was read.
  if (texts.empty()) e.flap = HasEnvelopeFlap(bgr);
  return JudgeEnvelope(e);
}

}  // namespace kanjian::vision
