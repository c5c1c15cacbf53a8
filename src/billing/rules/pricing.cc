#include "billing/rules/pricing.h"

#include <algorithm>

namespace kanjian::billing {

std::vector<PricedLine> PriceMonth(const CatalogVersion& catalog, const std::string& action,
                                   int64_t total_calls, int64_t postpaid_calls) {
  std::vector<PricedLine> lines;
  auto it = catalog.tiers.find(action);
  if (postpaid_calls <= 0 || it == catalog.tiers.end()) return lines;
  const std::vector<Tier>& tiers = it->second;
  const int64_t volume = catalog.tier_basis == TierBasis::kAllCalls ? total_calls : postpaid_calls;

  if (catalog.tier_mode == TierMode::kVolume) {
    size_t t = 0;
    while (t + 1 < tiers.size() && tiers[t + 1].from_calls <= volume) ++t;
    lines.push_back({postpaid_calls, static_cast<int>(t + 1), tiers[t].price,
                     LineAmount(postpaid_calls, tiers[t].price)});
    return lines;
  }
  // Graduated: post-paid calls occupy positions [volume - postpaid, volume).
  const int64_t first = std::max<int64_t>(0, volume - postpaid_calls);
  const int64_t last = first + postpaid_calls;  // exclusive
  for (size_t t = 0; t < tiers.size(); ++t) {
    const int64_t lo = std::max(first, tiers[t].from_calls);
    const int64_t hi = t + 1 < tiers.size() ? std::min(last, tiers[t + 1].from_calls) : last;
    if (hi <= lo) continue;
    lines.push_back(
        {hi - lo, static_cast<int>(t + 1), tiers[t].price, LineAmount(hi - lo, tiers[t].price)});
  }
  return lines;
}

Quote QuoteMonth(const CatalogVersion& catalog, const std::string& action, int64_t calls) {
  Quote q;
  q.calls = calls;
  q.free = std::min(calls, catalog.FreeQuotaOf(action));
  q.postpaid = calls - q.free;
  q.lines = PriceMonth(catalog, action, calls, q.postpaid);
  for (const auto& l : q.lines) q.total += l.amount;
  return q;
}

}  // namespace kanjian::billing
