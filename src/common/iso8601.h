// ISO 8601 instants as used on the CLI (`--at 2026-10-05T10:00:00+08:00`)
// and in JSON output. Parsing is strict: a date, 'T' or ' ', a time with
// optional fraction, and a zone (Z or ±HH:MM) — or a bare date, taken as
// midnight in `default_offset_s`.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace kanjian {

Result<UnixMicros> ParseIso8601(std::string_view text, int default_offset_s);

// Formats with the given UTC offset, seconds precision: 2026-10-05T10:00:00+08:00.
std::string FormatIso8601(UnixMicros t, int offset_s);

// Days since 1970-01-01 for a civil date, and back (Howard Hinnant's algorithms).
int64_t DaysFromCivil(int y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d);

// "YYYY-MM-DD" of the UTC day containing `unix_seconds` (TC3 credential date).
std::string UtcDate(int64_t unix_seconds);

}  // namespace kanjian
