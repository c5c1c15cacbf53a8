// The consumption order (docs/billing.md §2, §4): a call is paid by the
// month's free pack first, then by purchased and gifted packs earliest
// expiry first, then post-paid. The store returns candidate packs in no
// particular order; this is the one place that orders them. Ties: the
// earlier created, then the lower id (ids come from the injected IdSource,
// so a seeded simulation replays exactly).
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "store/store.h"

namespace kanjian::billing {

// Whether `a` pays before `b`.
bool PaysFirst(const store::Pack& a, const store::Pack& b);
// Sorts `packs` into consumption order.
void SortByConsumptionOrder(std::vector<store::Pack>& packs);

// Whether `pack` can pay for a call of `action` at `at`: covers the action,
// not refunded, created_at <= at < expires_at, calls left.
bool CanPay(const store::Pack& pack, std::string_view action, UnixMicros at);

// How a call of `quantity` is paid.
struct Consumption {
  struct Take {
    size_t pack;  // index into the packs given
    int64_t quantity;
  };
  std::vector<Take> takes;  // in consumption order
  int64_t postpaid = 0;     // what no pack covers
};

// Plans `quantity` (> 0) calls of `action` at `at` against `packs`, which
// are in consumption order: each pack that CanPay gives what it has left,
// in order; the rest is post-paid. Reuses `out`'s storage (the hot path).
void PlanConsumption(std::span<const store::Pack> packs, std::string_view action, UnixMicros at,
                     int64_t quantity, Consumption& out);

}  // namespace kanjian::billing
