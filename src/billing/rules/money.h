// Money is integer fen (0.01 元); prices per thousand calls are integer
// units of 0.0001 元 ("e4"), so every price in docs/billing.md (2.5, 3.2, 75 …)
// is exact and a bill line is computed without any rounding until the one
// half-up rounding to fen (DivideHalfUp, the only rounding in billing).
// Overflow: products are taken in 128 bits; sums of money (bill totals,
// usage sums, refunds, payments) go through CheckedAdd and fail as
// InternalError rather than wrap.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kanjian::billing {

using Fen = int64_t;
using PriceE4 = int64_t;  // 元 per 1000 calls × 10 000

// "675.00", "-1.50": yuan with exactly two decimals.
std::string FormatYuan(Fen amount);
// "675", "675.5", "675.50", "-3" → fen. More than two decimals, junk or
// overflow → InvalidParameterValue.
Result<Fen> ParseYuan(std::string_view text);
// The highest price a catalog may set: 1 000 000 元 per 1000 calls (the
// bundled ones are 0.5–75). It keeps LineAmount inside int64 fen for any
// month below 9×10^13 calls; a larger price is a typo, refused.
inline constexpr PriceE4 kMaxPriceE4 = 1'000'000 * PriceE4{10'000};
// Prices: up to four decimals ("2.5", "0.0125"), 0 to kMaxPriceE4.
Result<PriceE4> ParsePriceE4(std::string_view text);
// Two decimals, or more when the price needs them: "2.50", "0.0125".
std::string FormatPriceE4(PriceE4 price);

// numerator / denominator rounded half-up (away from zero at .5 for
// numerator >= 0). The one rounding rule of billing: bill lines and
// promotion prices go through it. REQUIRES: numerator >= 0, denominator > 0,
// the quotient fits in int64.
Fen DivideHalfUp(__int128 numerator, int64_t denominator);

// A promotion's price: price × (100 − discount_percent) / 100, half-up to
// the fen (docs/billing.md §4; our rule on rounding). REQUIRES: price >= 0,
// 0 <= discount_percent <= 100.
Fen DiscountedPrice(Fen price, int discount_percent);

// quantity × price-per-thousand / 1000, exact, rounded half-up to the fen.
// REQUIRES: 0 <= quantity < 9e13, 0 <= price <= kMaxPriceE4.
Fen LineAmount(int64_t quantity, PriceE4 price);
// Same for the exact amount of several (quantity, price) segments summed
// before the single rounding (graduated tiers on one line).
Fen RoundE7ToFen(__int128 amount_e7);

// Overflow-checked; false on overflow.
[[nodiscard]] bool CheckedAdd(int64_t a, int64_t b, int64_t* out);
// *sum += value, or InternalError naming `what` on overflow.
[[nodiscard]] Status AddChecked(Fen value, Fen* sum, std::string_view what);

}  // namespace kanjian::billing
