#include "vision/recognizers/vehicle_plate.h"

#include <string_view>
#include <vector>

namespace kanjian::vision {
namespace {

constexpr std::string_view kProvinces[] = {
    "京", "津", "沪", "渝", "冀", "豫", "云", "辽", "黑", "湘", "皖", "鲁", "新", "苏", "浙", "赣",
    "鄂", "桂", "甘", "晋", "蒙", "陕", "吉", "闽", "贵", "粤", "青", "藏", "川", "宁", "琼", "使"};
constexpr std::string_view kSpecialTails[] = {"学", "警", "挂", "港", "澳", "领", "试", "超"};
// Two-row plates: trailers (挂) and large training vehicles (学).
constexpr std::string_view kTwoRowTails[] = {"学", "挂"};

// UTF-8 code points of `s`, one string each.
std::vector<std::string> Chars(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

bool IsAlnum(const std::string& c) {
  if (c.size() != 1) return false;
  char x = c[0];
  return (x >= '0' && x <= '9') || (x >= 'A' && x <= 'Z' && x != 'I' && x != 'O');
}

bool IsLetter(const std::string& c) {
  return IsAlnum(c) && c[0] >= 'A';
}

template <size_t N>
bool In(const std::string& c, const std::string_view (&set)[N]) {
  for (auto s : set)
    if (s == c) return true;
  return false;
}

// The characters of OCR text without separators, letters upper-cased.
std::vector<std::string> NormalisedChars(const std::string& ocr_text) {
  std::vector<std::string> chars;
  for (std::string c : Chars(ocr_text)) {
    if (c == " " || c == "." || c == "-" || c == "·" || c == "•" || c == "・" || c == ":" ||
        c == "：" || c == "|")
      continue;
    if (c.size() == 1 && c[0] >= 'a' && c[0] <= 'z') c[0] = char(c[0] - 'a' + 'A');
    chars.push_back(c);
  }
  return chars;
}

std::string Joined(const std::vector<std::string>& chars) {
  std::string out;
  for (const auto& c : chars) out += c;
  return out;
}

}  // namespace

std::optional<PlateText> ParsePlate(const std::string& ocr_text) {
  std::vector<std::string> chars = NormalisedChars(ocr_text);
  if (chars.size() < 7 || chars.size() > 8) return std::nullopt;
  if (!In(chars[0], kProvinces)) return std::nullopt;
  // Letter position: digits that look like letters.
  if (chars[1] == "0") chars[1] = "D";
  if (chars[1] == "1") chars[1] = "J";
  if (chars[1] == "8") chars[1] = "B";
  if (!IsLetter(chars[1])) return std::nullopt;
  for (size_t i = 2; i < chars.size(); ++i) {
    if (chars[i] == "O") chars[i] = "0";
    if (chars[i] == "I") chars[i] = "1";
  }
  PlateText out;
  const size_t n = chars.size();
  bool tail_special = In(chars[n - 1], kSpecialTails);
  for (size_t i = 2; i < n - 1; ++i)
    if (!IsAlnum(chars[i])) return std::nullopt;
  if (n == 7) {
    if (tail_special) {
      out.kind = PlateKind::kSpecial;
    } else if (IsAlnum(chars[6])) {
      out.kind = PlateKind::kOrdinary;
    } else {
      return std::nullopt;
    }
  } else {  // 8: new energy
    if (!IsAlnum(chars[7])) return std::nullopt;
    bool small = chars[2] == "D" || chars[2] == "F";
    bool large = chars[7] == "D" || chars[7] == "F";
    if (!small && !large) return std::nullopt;
    out.kind = PlateKind::kNewEnergy;
  }
  out.plate = Joined(chars);
  return out;
}

bool IsTwoRowBottom(const std::string& ocr_text) {
  std::vector<std::string> chars = NormalisedChars(ocr_text);
  if (chars.size() != 5) return false;
  // O and I read for 0 and 1, as ParsePlate fixes them after the letter.
  auto alnum = [](const std::string& c) { return IsAlnum(c) || c == "O" || c == "I"; };
  for (size_t i = 0; i < 4; ++i)
    if (!alnum(chars[i])) return false;
  return alnum(chars[4]) || In(chars[4], kTwoRowTails);
}

std::optional<PlateText> ParseTwoRowPlate(const std::string& top_ocr_text,
                                          const std::string& bottom_ocr_text) {
  std::vector<std::string> top = NormalisedChars(top_ocr_text);
  if (top.size() != 2 || !IsTwoRowBottom(bottom_ocr_text)) return std::nullopt;
  // Province, letter and the O/I fixes: the single-row grammar on the joined text.
  auto plate = ParsePlate(Joined(top) + Joined(NormalisedChars(bottom_ocr_text)));
  if (!plate || plate->kind == PlateKind::kNewEnergy) return std::nullopt;
  return plate;
}

std::string PlateTypeText(const std::string& color, PlateKind kind) {
  if (kind == PlateKind::kNewEnergy) return color == "黄" ? "新能源黄绿牌" : "新能源绿牌";
  if (color == "蓝") return "普通蓝牌";
  if (color == "黄") return "普通黄牌";
  if (color == "白") return "白牌";
  if (color == "黑") return "黑牌";
  if (color == "绿") return "新能源绿牌";
  return "";
}

}  // namespace kanjian::vision
