#include "billing/rules/consumption_order.h"

#include <algorithm>
#include <tuple>

namespace kanjian::billing {

bool PaysFirst(const store::Pack& a, const store::Pack& b) {
  const bool a_free = a.kind == store::PackKind::kFree, b_free = b.kind == store::PackKind::kFree;
  return std::tie(b_free, a.expires_at, a.created_at, a.id) <
         std::tie(a_free, b.expires_at, b.created_at, b.id);
}

void SortByConsumptionOrder(std::vector<store::Pack>& packs) {
  std::sort(packs.begin(), packs.end(), PaysFirst);
}

bool CanPay(const store::Pack& p, std::string_view action, UnixMicros at) {
  return !p.refunded_at && p.created_at <= at && at < p.expires_at && p.used < p.calls &&
         std::find(p.actions.begin(), p.actions.end(), action) != p.actions.end();
}

void PlanConsumption(std::span<const store::Pack> packs, std::string_view action, UnixMicros at,
                     int64_t quantity, Consumption& out) {
  out.takes.clear();
  int64_t left = quantity;
  for (size_t i = 0; i < packs.size() && left > 0; ++i) {
    if (!CanPay(packs[i], action, at)) continue;
    const int64_t take = std::min(left, packs[i].calls - packs[i].used);
    out.takes.push_back({i, take});
    left -= take;
  }
  out.postpaid = left;
}

}  // namespace kanjian::billing
