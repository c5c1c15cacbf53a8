#include "billing/rules/notices.h"

#include <algorithm>

#include "billing/rules/spend_guard.h"

namespace kanjian::billing {
namespace {

int Rank(const std::string& level) {
  return level == "critical" ? 0 : level == "warning" ? 1 : 2;
}

}  // namespace

std::vector<TenantNotice> ComputeNotices(const NoticeFacts& facts, UnixMicros now) {
  std::vector<TenantNotice> out;
  if (facts.status == ServiceState::kArrears) {
    TenantNotice n{.kind = "arrears", .level = "critical", .at = now};
    n.amount = facts.balance < 0 ? -facts.balance : 0;
    out.push_back(n);
  }
  if (facts.budget) {
    const int percent = SpendAlertPercent(*facts.budget, facts.spent);
    if (percent >= 50) {
      TenantNotice n{.kind = "spend_guard",
                     .level = percent == 100  ? "critical"
                              : percent == 80 ? "warning"
                                              : "info",
                     .at = now};
      n.percent = percent;
      n.amount = facts.spent;
      n.limit = *facts.budget;
      out.push_back(n);
    }
  }
  for (const FreePackFact& p : facts.free_packs) {
    if (p.quota <= 0) continue;
    const int percent = p.used >= p.quota ? 100 : p.used * 100 >= p.quota * 80 ? 80 : 0;
    if (percent == 0) continue;
    TenantNotice n{.kind = "free_pack",
                   .level = percent == 100 ? "critical" : "warning",
                   .at = now,
                   .subject = p.group,
                   .percent = percent};
    n.used = p.used;
    n.quota = p.quota;
    out.push_back(n);
  }
  for (const store::Pack& p : facts.packs) {
    if (p.kind == store::PackKind::kFree || p.refunded_at || p.used >= p.calls) continue;
    if (p.expires_at <= now || p.expires_at > now + kPackExpiryWarning) continue;
    TenantNotice n{.kind = "pack_expiring", .level = "warning", .at = now, .subject = p.id};
    n.used = p.used;
    n.quota = p.calls;
    n.expires_at = p.expires_at;
    n.action = p.actions.empty() ? "" : p.actions[0];
    out.push_back(n);
  }
  for (const store::Notice& s : facts.stored) {
    if (s.kind != "catalog_change" || s.at > now || now - s.at > kCatalogNoticeShownFor) continue;
    TenantNotice n{.kind = "catalog_change", .level = "info", .at = s.at, .subject = s.id};
    n.message = s.message;
    out.push_back(n);
  }
  std::stable_sort(out.begin(), out.end(), [](const TenantNotice& a, const TenantNotice& b) {
    if (Rank(a.level) != Rank(b.level)) return Rank(a.level) < Rank(b.level);
    return a.at > b.at;
  });
  return out;
}

}  // namespace kanjian::billing
