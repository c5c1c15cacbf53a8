// CLI time parsing (common/iso8601.h): `--at 2026-10-05T10:00:00+08:00`,
// a bare date, catalog effective_from. The first byte picks the default
// offset for a bare date. Properties: an accepted instant formats (UTC or
// any whole-minute offset) to text that parses back to the same second;
// the UTC date agrees with UtcDate. The same bytes as an int64 instant
// check formatting over the whole range.
#include <cstdint>
#include <cstring>
#include <string>

#include "common/error_codes.h"
#include "common/iso8601.h"
#include "fuzz_check.h"

using namespace kanjian;

namespace {

constexpr int64_t kMicros = 1'000'000;

int64_t FloorSeconds(int64_t t) {
  return t >= 0 ? t / kMicros : -((-(t + 1)) / kMicros) - 1;
}

// Text from FormatIso8601 parses back to the same whole second when its
// year has the four digits the parser takes.
void CheckRoundTrip(UnixMicros t, int offset_s) {
  const std::string text = FormatIso8601(t, offset_s);
  const bool four_digit_year = text.size() >= 5 && text[0] != '-' && text[4] == '-';
  if (!four_digit_year) return;
  auto back = ParseIso8601(text, 0);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(*back == FloorSeconds(t) * kMicros);
  if (offset_s == 0) FUZZ_CHECK(text.substr(0, 10) == UtcDate(FloorSeconds(t)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // Whole minutes from -23:59 to +23:59, what a zone designator can say.
  const int default_offset_s = (static_cast<int>(data[0]) - 128) % 24 * 3600 + data[0] % 60 * 60;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto t = ParseIso8601(text, default_offset_s);
  if (t.ok()) {
    CheckRoundTrip(*t, 0);
    CheckRoundTrip(*t, default_offset_s);
    CheckRoundTrip(*t, 8 * 3600);
  } else {
    FUZZ_CHECK(t.status().code() == errc::kInvalidParameterValue);
    fuzz::CheckEnvelope(t.status());
  }

  if (size >= 9) {
    int64_t instant;
    std::memcpy(&instant, data + 1, 8);
    CheckRoundTrip(instant, default_offset_s);
  }
  return 0;
}
