// Local-calendar arithmetic for billing: months, days and deadlines are
// counted in a fixed UTC offset (Asia/Shanghai, +08:00, by default; the
// catalog's `utc_offset` setting). China has no daylight saving time, so a
// fixed offset is exact for it.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"

namespace kanjian::billing {

// Units of billing time: every day count and deadline is built from these
// and common/clock.h's kMicrosPerSecond, kMicrosPerHour, kMicrosPerDay.
inline constexpr int kSecondsPerHour = 3600;
// The default billing zone, Asia/Shanghai (docs/billing.md, preamble).
inline constexpr int kShanghaiOffsetS = 8 * kSecondsPerHour;
// `days` whole days in micros (settings such as arrears_grace_days, notice_days).
constexpr int64_t DaysToMicros(int days) {
  return int64_t{days} * kMicrosPerDay;
}

struct Month {
  int year = 1970;
  int month = 1;                 // 1..12
  std::string ToString() const;  // "2026-10"
  Month Next() const;
  bool operator==(const Month&) const = default;
};

Result<Month> ParseMonth(std::string_view text);  // "YYYY-MM"
Month MonthOf(UnixMicros t, int offset_s);
UnixMicros MonthStart(Month m, int offset_s);
inline UnixMicros MonthEnd(Month m, int offset_s) {
  return MonthStart(m.Next(), offset_s);
}

// The same local wall time `months` later; the day is clamped to the
// month's length (Jan 31 + 1 month = Feb 28/29).
UnixMicros AddMonths(UnixMicros t, int months, int offset_s);
// Start of the local day `days` after the local day containing t; with
// days = 8 this is the end of the 7th calendar day after the purchase day.
UnixMicros StartOfDayAfter(UnixMicros t, int days, int offset_s);

}  // namespace kanjian::billing
