// Chinese licence plate grammar (GA 36-2018) applied to OCR text, and the
// plate type text RecognizeCarPro answers with.
//
//   ordinary:    province + letter + 5 of [A-HJ-NP-Z0-9]         (e.g. 京A8B123)
//   new energy:  province + letter + 6, with D/F first (small car)
//                or last (large car)                            (e.g. 粤BD12345)
//   special:     ordinary with 学/警/挂/港/澳/领/试/超 as the 5th (last) character
//   two-row:     rear plates of large vehicles: province + letter on top, the
//                other 5 below (ordinary, or 挂/学 last)         (e.g. 京A / 12345)
#pragma once

#include <optional>
#include <string>

namespace kanjian::vision {

enum class PlateKind { kOrdinary, kNewEnergy, kSpecial };

struct PlateText {
  std::string plate;  // normalised: no dot/space/dash, confusable letters fixed
  PlateKind kind = PlateKind::kOrdinary;
};

// Normalises OCR output (drops "·", ".", "-", spaces; O->0 and I->1 after the
// letter position, the reverse in the letter position) and validates it.
// nullopt when it is no plate.
std::optional<PlateText> ParsePlate(const std::string& ocr_text);

// The two rows of a two-row plate joined and validated: `top` must normalise
// (as in ParsePlate) to exactly province + letter, `bottom` to exactly 5
// characters ending in an alphanumeric, 挂 or 学, and the joined text must
// pass ParsePlate. nullopt otherwise; nothing is guessed.
std::optional<PlateText> ParseTwoRowPlate(const std::string& top_ocr_text,
                                          const std::string& bottom_ocr_text);

// Whether a line could be the bottom row of a two-row plate: 5 characters
// after normalisation, 4 alphanumerics and then an alphanumeric, 挂 or 学.
bool IsTwoRowBottom(const std::string& ocr_text);

// "普通蓝牌", "普通黄牌", "新能源绿牌", "新能源黄绿牌", "白牌", "黑牌"…
// from the plate's background colour name (蓝/黄/绿/白/黑) and kind.
std::string PlateTypeText(const std::string& color, PlateKind kind);

}  // namespace kanjian::vision
