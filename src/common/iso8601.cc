#include "common/iso8601.h"

#include <cstdio>

#include "common/error_codes.h"

namespace kanjian {

int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yoe + era * 400 + (*m <= 2));
}

namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

unsigned DaysInMonth(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

Status Bad(std::string_view text) {
  return Status(
      errc::kInvalidParameterValue,
      "not an ISO 8601 instant (want e.g. 2026-10-05T10:00:00+08:00): " + std::string(text));
}

}  // namespace

Result<UnixMicros> ParseIso8601(std::string_view s, int default_offset_s) {
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!Digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d))
    return Bad(s);
  if (mo < 1 || mo > 12 || d < 1 || d > static_cast<int>(DaysInMonth(y, mo))) return Bad(s);
  size_t pos = 10;
  int64_t frac_us = 0;
  int offset_s = default_offset_s;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return Bad(s);
    if (!Digits(s, pos + 1, 2, &h) || s.size() < pos + 9 || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, &mi) || s[pos + 6] != ':' || !Digits(s, pos + 7, 2, &sec))
      return Bad(s);
    if (h > 23 || mi > 59 || sec > 59) return Bad(s);
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int64_t scale = 100000;
      size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        frac_us += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start) return Bad(s);
    }
    if (pos == s.size()) return Bad(s);  // a time needs an explicit zone
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      offset_s = 0;
    } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
      int oh, om;
      if (!Digits(s, pos + 1, 2, &oh) || !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59)
        return Bad(s);
      offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    } else {
      return Bad(s);
    }
  }
  const int64_t local_s =
      DaysFromCivil(y, mo, d) * 86400 + int64_t{h} * 3600 + int64_t{mi} * 60 + sec;
  return (local_s - offset_s) * 1'000'000 + frac_us;
}

std::string FormatIso8601(UnixMicros t, int offset_s) {
  int64_t local = t / 1'000'000 + offset_s;
  if (t < 0 && t % 1'000'000 != 0) --local;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int64_t rem = local - days * 86400;
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];  // room for any year and offset the types allow (gcc checks the widest)
  const int oabs = offset_s < 0 ? -offset_s : offset_s;
  if (offset_s == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", y, m, d,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60), offset_s < 0 ? '-' : '+', oabs / 3600,
                  oabs / 60 % 60);
  }
  return buf;
}

std::string UtcDate(int64_t unix_seconds) {
  int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  // Room for any int year and unsigned month and day, so that the compiler
  // can see nothing is cut (-Wformat-truncation).
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

}  // namespace kanjian
