// CLI money parsing (billing/rules/money.h): `--amount 675.50`, prices "2.5".
// Properties: parse → format → parse gives the same integer; the format of
// a parsed value is canonical; a yuan amount read as a price is the same
// money ×100; overflow and prices over kMaxPriceE4 are refused, and a bill
// line at any accepted price is exact. The same bytes, read as
// two integers, check the overflow-checked addition.
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "billing/rules/money.h"
#include "common/error_codes.h"
#include "fuzz_check.h"

using namespace kanjian;
using namespace kanjian::billing;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto yuan = ParseYuan(text);
  if (yuan.ok()) {
    const std::string formatted = FormatYuan(*yuan);
    auto again = ParseYuan(formatted);
    FUZZ_CHECK(again.ok() && *again == *yuan);
    FUZZ_CHECK(FormatYuan(*again) == formatted);
    __int128 as_price = static_cast<__int128>(*yuan) * 100;
    auto price = ParsePriceE4(text);
    if (*yuan >= 0 && as_price <= kMaxPriceE4) {
      FUZZ_CHECK(price.ok() && *price == as_price);
    }
  } else {
    FUZZ_CHECK(yuan.status().code() == errc::kInvalidParameterValue);
    fuzz::CheckEnvelope(yuan.status());
  }

  auto price = ParsePriceE4(text);
  if (price.ok()) {
    FUZZ_CHECK(*price >= 0 && *price <= kMaxPriceE4);
    const std::string formatted = FormatPriceE4(*price);
    auto again = ParsePriceE4(formatted);
    FUZZ_CHECK(again.ok() && *again == *price);
    FUZZ_CHECK(FormatPriceE4(*again) == formatted);
    // A bill line for a busy month at this price stays exact (no wrap).
    const int64_t calls = 50'000'000'000'000;  // within LineAmount's REQUIRES
    const __int128 exact_e7 = static_cast<__int128>(calls) * *price;
    FUZZ_CHECK(LineAmount(calls, *price) == (exact_e7 + 50000) / 100000);
  } else {
    FUZZ_CHECK(price.status().code() == errc::kInvalidParameterValue);
  }

  if (size >= 16) {
    int64_t a, b, sum;
    std::memcpy(&a, data, 8);
    std::memcpy(&b, data + 8, 8);
    const __int128 exact = static_cast<__int128>(a) + b;
    const bool fits = exact >= std::numeric_limits<int64_t>::min() &&
                      exact <= std::numeric_limits<int64_t>::max();
    FUZZ_CHECK(CheckedAdd(a, b, &sum) == fits);
    FUZZ_CHECK(!fits || sum == exact);
    const std::string f = FormatYuan(a);  // INT64_MIN included
    auto back = ParseYuan(f);
    FUZZ_CHECK(a == std::numeric_limits<int64_t>::min() || (back.ok() && *back == a));
  }
  return 0;
}
