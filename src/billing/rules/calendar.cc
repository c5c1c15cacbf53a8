#include "billing/rules/calendar.h"

#include <cstdio>

#include "common/error_codes.h"
#include "common/iso8601.h"

namespace kanjian::billing {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

unsigned DaysIn(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

std::string Month::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

Month Month::Next() const {
  return month == 12 ? Month{year + 1, 1} : Month{year, month + 1};
}

Result<Month> ParseMonth(std::string_view text) {
  int y = 0, m = 0;
  if (text.size() != 7 || text[4] != '-' ||
      std::sscanf(std::string(text).c_str(), "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12 || y < 1970)
    return Status(errc::kInvalidParameterValue,
                  "month must be YYYY-MM: '" + std::string(text) + "'");
  return Month{y, m};
}

Month MonthOf(UnixMicros t, int offset_s) {
  int y;
  unsigned m, d;
  CivilFromDays(FloorDiv(t + int64_t{offset_s} * kMicrosPerSecond, kMicrosPerDay), &y, &m, &d);
  return Month{y, static_cast<int>(m)};
}

UnixMicros MonthStart(Month m, int offset_s) {
  return DaysFromCivil(m.year, m.month, 1) * kMicrosPerDay - int64_t{offset_s} * kMicrosPerSecond;
}

UnixMicros AddMonths(UnixMicros t, int months, int offset_s) {
  const int64_t local = t + int64_t{offset_s} * kMicrosPerSecond;
  const int64_t day = FloorDiv(local, kMicrosPerDay);
  const int64_t time_of_day = local - day * kMicrosPerDay;
  int y;
  unsigned m, d;
  CivilFromDays(day, &y, &m, &d);
  const int total = y * 12 + static_cast<int>(m) - 1 + months;
  const int ny = static_cast<int>(FloorDiv(total, 12));  // a year, well inside int
  unsigned nm = static_cast<unsigned>(total - ny * 12 + 1);
  unsigned nd = d > DaysIn(ny, nm) ? DaysIn(ny, nm) : d;
  return DaysFromCivil(ny, nm, nd) * kMicrosPerDay + time_of_day -
         int64_t{offset_s} * kMicrosPerSecond;
}

UnixMicros StartOfDayAfter(UnixMicros t, int days, int offset_s) {
  const int64_t day = FloorDiv(t + int64_t{offset_s} * kMicrosPerSecond, kMicrosPerDay);
  return (day + days) * kMicrosPerDay - int64_t{offset_s} * kMicrosPerSecond;
}

}  // namespace kanjian::billing
