#include "billing/views/what_if.h"

#include <algorithm>

#include "billing/rules/pricing.h"

namespace kanjian::billing {

MonthCalls ResplitFree(const CatalogVersion& draft, const MonthCalls& recorded) {
  MonthCalls out = recorded;
  // Each draft group against the free calls its actions had.
  std::map<std::string, bool> grouped;
  for (const FreeGroup& group : draft.free_groups) {
    std::vector<std::string> actions;
    int64_t free = 0;
    for (const auto& a : group.actions) {
      grouped[a] = true;
      if (auto it = out.find(a); it != out.end()) {
        actions.push_back(a);
        free += it->second.free;
      }
    }
    std::sort(actions.begin(), actions.end());
    int64_t delta = group.quota - free;
    if (delta > 0) {
      for (const auto& a : actions) {
        SourceCalls& c = out[a];
        const int64_t move = std::min(delta, c.postpaid);
        c.postpaid -= move, c.free += move, delta -= move;
      }
    } else {
      for (auto it = actions.rbegin(); it != actions.rend() && delta < 0; ++it) {
        SourceCalls& c = out[*it];
        const int64_t move = std::min(-delta, c.free);
        c.free -= move, c.postpaid += move, delta += move;
      }
    }
  }
  // An action in no draft group has no free calls.
  for (auto& [action, c] : out) {
    if (!grouped.count(action)) c.postpaid += c.free, c.free = 0;
  }
  return out;
}

std::vector<store::BillLine> PriceCalls(const CatalogVersion& version, const MonthCalls& calls) {
  std::vector<store::BillLine> lines;
  for (const auto& [action, c] : calls) {
    for (const PricedLine& l : PriceMonth(version, action, c.total(), c.postpaid))
      lines.push_back({action, l.quantity, l.tier, l.unit_price, l.amount});
  }
  return lines;
}

Fen TotalOf(const std::vector<store::BillLine>& lines) {
  Fen total = 0;
  for (const auto& l : lines) total += l.amount_fen;
  return total;
}

}  // namespace kanjian::billing
