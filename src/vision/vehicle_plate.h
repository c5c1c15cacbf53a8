// Chinese licence plate grammar (GA 36-2018) applied to OCR text, and the
// plate type text RecognizeCarPro answers with.
//
//   ordinary:    province + letter + 5 of [A-HJ-NP-Z0-9]         (e.g. 京A8B123)
//   new energy:  province + letter + 6, with D/F first (small car)
//                or last (large car)                            (e.g. 粤BD12345)
//   special:     ordinary with 学/警/挂/港/澳/领/试/超 as the 5th (last) character
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

// "普通蓝牌", "普通黄牌", "新能源绿牌", "新能源黄绿牌", "白牌", "黑牌"…
// from the plate's background colour name (蓝/黄/绿/白/黑) and kind.
std::string PlateTypeText(const std::string& color, PlateKind kind);

}  // namespace kanjian::vision
