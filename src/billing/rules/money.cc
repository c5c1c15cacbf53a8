#include "billing/rules/money.h"

#include <limits>

#include "common/error_codes.h"

namespace kanjian::billing {

std::string FormatYuan(Fen amount) {
  const bool negative = amount < 0;
  // Work in unsigned to survive INT64_MIN.
  const uint64_t abs =
      negative ? uint64_t(0) - static_cast<uint64_t>(amount) : static_cast<uint64_t>(amount);
  std::string cents = std::to_string(abs % 100);
  if (cents.size() < 2) cents = "0" + cents;
  return (negative ? "-" : "") + std::to_string(abs / 100) + "." + cents;
}

namespace {

// Parses [-]digits[.digits] with at most `scale` decimals into units of 10^-scale.
Result<int64_t> ParseFixed(std::string_view text, int scale, const char* what) {
  auto bad = [&] {
    return Status(errc::kInvalidParameterValue,
                  std::string("not a valid ") + what + ": '" + std::string(text) + "'");
  };
  if (text.empty()) return bad();
  bool negative = false;
  size_t i = 0;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  __int128 value = 0;
  int decimals = -1;  // -1 until the point is seen
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (decimals >= 0) return bad();
      decimals = 0;
      continue;
    }
    if (c < '0' || c > '9') return bad();
    any_digit = true;
    if (decimals >= 0 && ++decimals > scale) return bad();
    value = value * 10 + (c - '0');
    if (value > std::numeric_limits<int64_t>::max()) return bad();
  }
  if (!any_digit || decimals == 0) return bad();
  for (int d = decimals < 0 ? 0 : decimals; d < scale; ++d) value *= 10;
  if (value > std::numeric_limits<int64_t>::max()) return bad();
  return static_cast<int64_t>(negative ? -value : value);
}

}  // namespace

Result<Fen> ParseYuan(std::string_view text) {
  return ParseFixed(text, 2, "amount in yuan");
}

Result<PriceE4> ParsePriceE4(std::string_view text) {
  auto price = ParseFixed(text, 4, "price per thousand calls");
  if (price.ok() && *price < 0)
    return Status(errc::kInvalidParameterValue, "a price cannot be negative");
  // Found by fuzz/money_fuzz.cc: "92237230367758" was accepted and a month
  // of 10^6 calls at it wrapped to a negative bill line.
  if (price.ok() && *price > kMaxPriceE4)
    return Status(errc::kInvalidParameterValue,
                  "a price cannot exceed 1000000 per 1000 calls: '" + std::string(text) + "'");
  return price;
}

std::string FormatPriceE4(PriceE4 price) {
  std::string s = FormatYuan(price / 100);
  if (price % 100 != 0) {
    std::string tail = std::to_string(price % 100);
    if (tail.size() < 2) tail = "0" + tail;
    if (tail.back() == '0') tail.pop_back();
    s += tail;
  }
  return s;
}

Fen DivideHalfUp(__int128 numerator, int64_t denominator) {
  return static_cast<Fen>((numerator + denominator / 2) / denominator);
}

Fen DiscountedPrice(Fen price, int discount_percent) {
  return DivideHalfUp(static_cast<__int128>(price) * (100 - discount_percent), 100);
}

Fen RoundE7ToFen(__int128 amount_e7) {
  // 1 fen = 10^5 units of 10^-7 元 (quantity × price_e4 / 1000 calls).
  return DivideHalfUp(amount_e7, 100000);
}

Fen LineAmount(int64_t quantity, PriceE4 price) {
  return RoundE7ToFen(static_cast<__int128>(quantity) * price);
}

bool CheckedAdd(int64_t a, int64_t b, int64_t* out) {
  return !__builtin_add_overflow(a, b, out);
}

Status AddChecked(Fen value, Fen* sum, std::string_view what) {
  if (CheckedAdd(*sum, value, sum)) return Status::Ok();
  return Status(errc::kInternalError, std::string(what) + " overflows 64-bit fen");
}

}  // namespace kanjian::billing
