// CTC greedy decoding for PP-OCR recognition output, and its character set.
//
// Output contract (PaddleOCR CTCLabelDecode): probs[T, C] per time step, where
// class 0 is the CTC blank, class k (1..N) is line k of the keys file, and
// class N+1 is a space (use_space_char). C may also be N+1 (no space class).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace kanjian::vision::ocr {

struct DecodedText {
  std::string text;                    // UTF-8
  float confidence = 0;                // mean max-probability of the emitted characters, 0..1
  std::vector<float> char_confidence;  // one per emitted character
};

// Reads one UTF-8 character (or token) per line; a trailing '\r' is dropped.
// Errors name the file: errc::kNotFound if missing, kInternalError if empty.
Result<std::vector<std::string>> LoadCharset(const std::string& path);

// Greedy (best path) decoding: argmax per step, repeats collapsed, blanks
// dropped. `charset` is the keys file's lines; index 0 of probs is the blank.
// Classes beyond charset.size() decode as " ".
DecodedText CtcGreedyDecode(const float* probs, int steps, int classes,
                            const std::vector<std::string>& charset);

}  // namespace kanjian::vision::ocr
