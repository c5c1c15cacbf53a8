// Post-paid pricing of one action's month (docs/billing.md §3). Tier-reach
// ("volume"): the whole post-paid quantity at the unit price of the tier the
// month's volume reaches. Graduated: each post-paid call at the price of the
// tier its position in the month falls in. The volume is every billed call
// (tier_basis all_calls, default) or the post-paid calls alone.
#pragma once

#include <string>
#include <vector>

#include "billing/rules/catalog.h"

namespace kanjian::billing {

struct PricedLine {
  int64_t quantity = 0;
  int tier = 0;  // 1-based
  PriceE4 unit_price = 0;
  Fen amount = 0;  // rounded half-up to the fen, once per line
};

// Lines for `postpaid_calls` of a month with `total_calls` billed calls in
// all (free and pack calls included). One line in volume mode; one line per
// tier touched in graduated mode. No line when nothing is post-paid.
std::vector<PricedLine> PriceMonth(const CatalogVersion& catalog, const std::string& action,
                                   int64_t total_calls, int64_t postpaid_calls);

struct Quote {
  int64_t calls = 0;
  int64_t free = 0;
  int64_t postpaid = 0;
  std::vector<PricedLine> lines;
  Fen total = 0;
};

// The price calculator: the post-paid cost of `calls` calls of one action in
// a month, after that action's free quota (assumed unused by other actions).
Quote QuoteMonth(const CatalogVersion& catalog, const std::string& action, int64_t calls);

}  // namespace kanjian::billing
