// Attribution of billed calls at call time (billing.md §2, §4): the month's
// free pack first, then purchased and gifted packs earliest-expiry first,
// then post-paid. Done in the same transaction that records the usage, so
// remaining quota is always exact and refund eligibility is known.
#include <algorithm>
#include <map>
#include <set>

#include "billing/billing.h"
#include "billing/ledger_util.h"

namespace kanjian::billing {
namespace {

bool Covers(const store::Pack& p, const std::string& action) {
  return std::find(p.actions.begin(), p.actions.end(), action) != p.actions.end();
}

bool Usable(const store::Pack& p, const std::string& action, UnixMicros at) {
  return !p.refunded_at && p.created_at <= at && at < p.expires_at && p.used < p.calls &&
         Covers(p, action);
}

}  // namespace

Status BillingService::RecordCalls(std::span<const BilledCall> calls) {
  if (calls.empty()) return Status::Ok();
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  std::set<std::string> newly_issued;
  auto known_issued = [this](const std::string& key) {
    std::lock_guard<std::mutex> lock(free_mu_);
    return free_issued_.count(key) > 0;
  };
  Status written = store_.Write([&](store::Txn& txn) -> Status {
    newly_issued.clear();
    // Per batch: each account's packs, loaded once and updated in memory.
    std::map<std::string, std::vector<store::Pack>> packs_by_account;
    std::map<std::string, std::string> free_months_done;  // account → "YYYY-MM" issued
    std::map<std::string, int64_t> used_delta;
    std::vector<store::UsageRecord> records;
    records.reserve(calls.size());

    for (const BilledCall& call : calls) {
      if (call.quantity <= 0) return Status(errc::kInvalidParameterValue, "quantity must be positive");
      // A retried call (same RequestId) was attributed the first time.
      auto seen = txn.UsageExists(call.request_id);
      if (!seen.ok()) return seen.status();
      if (*seen) continue;
      auto it = packs_by_account.find(call.account_id);
      const std::string month =
          MonthOf(call.at, catalog->InForceAt(call.at).settings.utc_offset_s).ToString();
      if (it == packs_by_account.end() || free_months_done[call.account_id] != month) {
        const std::string issued_key = call.account_id + "|" + month;
        if (!newly_issued.count(issued_key) && !known_issued(issued_key)) {
          auto account = txn.FindAccount(call.account_id);
          if (!account.ok()) return account.status();
          if (Status s = EnsureFreePacks(txn, *catalog, *account, call.at); !s.ok()) return s;
          // Only an activated account's month is settled for good.
          if (account->activated_at && *account->activated_at <= call.at) newly_issued.insert(issued_key);
        }
        free_months_done[call.account_id] = month;
        auto list = txn.ListPacks(call.account_id);
        if (!list.ok()) return list.status();
        // Free packs first, then by expiry (the store's order).
        std::stable_partition(list->begin(), list->end(),
                              [](const store::Pack& p) { return p.kind == "free"; });
        // Keep in-memory `used` in step with what this batch already took.
        for (auto& p : *list) p.used += used_delta[p.id];
        it = packs_by_account.insert_or_assign(call.account_id, std::move(list).value()).first;
      }
      int64_t left = call.quantity;
      int segment = 0;
      auto emit = [&](int64_t quantity, const char* source, const std::string& pack_id) {
        records.push_back({segment == 0 ? call.request_id
                                        : call.request_id + ":" + std::to_string(segment),
                           call.account_id, call.action, call.at, quantity, source, pack_id});
        ++segment;
      };
      for (store::Pack& p : it->second) {
        if (left == 0) break;
        if (!Usable(p, call.action, call.at)) continue;
        const int64_t take = std::min(left, p.calls - p.used);
        p.used += take;
        used_delta[p.id] += take;
        left -= take;
        emit(take, p.kind == "free" ? "free" : "pack", p.id);
      }
      if (left > 0) emit(left, "postpaid", "");
    }
    if (Status s = txn.InsertUsage(records); !s.ok()) return s;
    for (const auto& [pack_id, delta] : used_delta) {
      if (delta == 0) continue;
      if (Status s = txn.AddPackUsed(pack_id, delta); !s.ok()) return s;
    }
    return Status::Ok();
  });
  if (written.ok()) {  // remember only what is committed
    std::lock_guard<std::mutex> lock(free_mu_);
    free_issued_.insert(newly_issued.begin(), newly_issued.end());
  }
  return written;
}

Result<std::vector<UsageByAction>> BillingService::UsageForMonth(const std::string& account,
                                                                  Month month) {
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  const int offset = OffsetOf(*catalog, month);
  std::vector<UsageByAction> out;
  for (const auto& [action, tiers] : catalog->InForceAt(MonthStart(month, offset)).tiers)
    out.push_back({action});
  Status s = store_.Read([&](store::Txn& txn) -> Status {
    auto id = ResolveAccountId(txn, account);
    if (!id.ok()) return id.status();
    auto sums = txn.SumUsage(*id, MonthStart(month, offset), MonthEnd(month, offset));
    if (!sums.ok()) return sums.status();
    for (const auto& row : *sums) {
      auto it = std::find_if(out.begin(), out.end(), [&](auto& u) { return u.action == row.action; });
      if (it == out.end()) it = out.insert(out.end(), UsageByAction{row.action});
      it->total += row.quantity;
      if (row.source == "free") it->free += row.quantity;
      else if (row.source == "pack") it->pack += row.quantity;
      else it->postpaid += row.quantity;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace kanjian::billing
