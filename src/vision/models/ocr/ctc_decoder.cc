#include "vision/models/ocr/ctc_decoder.h"

#include <filesystem>
#include <fstream>

#include "common/error_codes.h"

namespace kanjian::vision::ocr {

Result<std::vector<std::string>> LoadCharset(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status(errc::kNotFound,
                  "OCR character set not found: " + path + " (run scripts/fetch_models.sh)");
  }
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  if (lines.empty()) return Status(errc::kInternalError, "OCR character set is empty: " + path);
  return lines;
}

DecodedText CtcGreedyDecode(const float* probs, int steps, int classes,
                            const std::vector<std::string>& charset) {
  DecodedText out;
  int previous = -1;
  double sum = 0;
  for (int t = 0; t < steps; ++t) {
    const float* row = probs + size_t(t) * classes;
    int best = 0;
    for (int c = 1; c < classes; ++c) {
      if (row[c] > row[best]) best = c;
    }
    if (best != 0 && best != previous) {
      out.text += best <= int(charset.size()) ? charset[best - 1] : std::string(" ");
      out.char_confidence.push_back(row[best]);
      sum += row[best];
    }
    previous = best;
  }
  if (!out.char_confidence.empty()) out.confidence = float(sum / out.char_confidence.size());
  return out;
}

}  // namespace kanjian::vision::ocr
