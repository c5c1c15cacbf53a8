// Attribution of billed calls at call time (docs/billing.md §2, §4): each
// call is paid in the consumption order (consumption_order.h: the month's
// free pack, then purchased and gifted packs earliest-expiry first, then
// post-paid). Done in the same transaction that records the usage, so
// remaining quota is always exact and refund eligibility is known.
#include <algorithm>
#include <map>
#include <set>

#include "billing/billing.h"
#include "billing/ledger_util.h"
#include "billing/rules/consumption_order.h"
#include "billing/rules/spend_guard.h"
#include "billing/rules/usage_counts.h"

namespace kanjian::billing {
namespace {

// The spend guard's tally of an account for the month [start, end) as the
// store holds it. REQUIRES: inside the write transaction that attributes
// the calls.
Result<SpendTally> LoadSpendTally(store::Txn& txn, const Catalog& catalog,
                                  const std::string& account_id, UnixMicros start, UnixMicros end) {
  ASSIGN_OR_RETURN(auto budget, txn.FindSpendBudget(account_id));
  if (!budget) return SpendTally();
  ASSIGN_OR_RETURN(auto sums, txn.SumUsage(account_id, start, end));
  std::map<std::string, ActionCalls> calls;
  for (const store::UsageSum& row : sums) {
    ActionCalls& c = calls[row.action];
    c.total += row.quantity;
    if (row.source == store::UsageSource::kPostpaid) c.postpaid += row.quantity;
  }
  return SpendTally(*budget, catalog, start, std::move(calls));
}

}  // namespace

Status BillingService::RecordCalls(std::span<const BilledCall> calls,
                                   std::vector<Status>* refusals) {
  if (calls.empty()) return Status::Ok();
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  std::lock_guard<std::mutex> lock(attribution_mu_);
  std::set<std::string> newly_issued;
  uint64_t state_after = 0;
  bool first_run = true;
  std::array<uint64_t, 3> billed{};  // this batch's calls by source, once committed
  Status written = store_.Write([&](store::Txn& txn) -> Status {
    // A store may run this body again (PostgreSQL, after a serialization
    // failure): the working set then holds a rolled-back run's takes.
    if (!first_run) live_packs_.clear();
    first_run = false;
    newly_issued.clear();
    billed.fill(0);
    if (refusals) refusals->assign(calls.size(), Status::Ok());
    ASSIGN_OR_RETURN(auto state, txn.StateAtStart());
    if (live_packs_state_ != state) live_packs_.clear();  // someone else committed

    // What this batch takes from each pack; the store is told at the end.
    std::map<std::string, int64_t> used_delta;
    // Loads (or reloads for another month) an account's live packs, issuing
    // the month's free packs first if need be.
    auto load = [&](const BilledCall& call) -> Result<LivePacks*> {
      const int offset = catalog.InForceAt(call.at).settings.utc_offset_s;
      const Month month = MonthOf(call.at, offset);
      const std::string issued_key = call.account_id + "|" + month.ToString();
      if (!newly_issued.count(issued_key) && !free_issued_.count(issued_key)) {
        ASSIGN_OR_RETURN(auto account, txn.FindAccount(call.account_id));
        RETURN_IF_ERROR(EnsureFreePacks(txn, catalog, account, call.at));
        // Only an activated account's month is settled for good.
        if (account.activated_at && *account.activated_at <= call.at)
          newly_issued.insert(issued_key);
      }
      LivePacks live{.start = MonthStart(month, offset), .end = MonthEnd(month, offset)};
      ASSIGN_OR_RETURN(auto list, txn.ListLivePacks(call.account_id, live.start));
      live.packs = std::move(list);
      ASSIGN_OR_RETURN(auto spend,
                       LoadSpendTally(txn, catalog, call.account_id, live.start, live.end));
      live.spend = std::move(spend);
      SortByConsumptionOrder(live.packs);
      // The store does not know yet what this batch took.
      for (auto& p : live.packs) {
        if (auto d = used_delta.find(p.id); d != used_delta.end()) p.used += d->second;
      }
      return &(live_packs_[call.account_id] = std::move(live));
    };

    std::vector<store::UsageRecord> segments;  // one call's records, one per source
    std::vector<std::pair<store::Pack*, int64_t>> takes;
    Consumption plan;
    for (const BilledCall& call : calls) {
      if (call.quantity <= 0)
        return Status(errc::kInvalidParameterValue, "quantity must be positive");
      LivePacks* live = nullptr;
      if (auto it = live_packs_.find(call.account_id);
          it != live_packs_.end() && it->second.start <= call.at && call.at < it->second.end) {
        live = &it->second;
      } else {
        ASSIGN_OR_RETURN(auto loaded, load(call));
        live = loaded;
      }
      segments.clear();
      takes.clear();
      auto emit = [&](int64_t quantity, store::UsageSource source, const std::string& pack_id) {
        segments.push_back({segments.empty()
                                ? call.request_id
                                : call.request_id + ":" + std::to_string(segments.size()),
                            call.account_id, call.action, call.at, quantity, source, pack_id});
      };
      PlanConsumption(live->packs, call.action, call.at, call.quantity, plan);
      for (const Consumption::Take& take : plan.takes) {
        store::Pack& p = live->packs[take.pack];
        p.used += take.quantity;
        takes.emplace_back(&p, take.quantity);
        emit(take.quantity,
             p.kind == store::PackKind::kFree ? store::UsageSource::kFree
                                              : store::UsageSource::kPack,
             p.id);
      }
      const int64_t left = plan.postpaid;
      if (left > 0 && call.spend_guarded && !live->spend.Admits(call.action, call.quantity, left)) {
        for (auto& [pack, take] : takes) pack->used -= take;  // not served: takes nothing
        if (refusals)
          (*refusals)[&call - calls.data()] =
              SpendGuardRefusal(*live->spend.budget(), live->spend.spent());
        continue;
      }
      if (left > 0) emit(left, store::UsageSource::kPostpaid, "");
      // A retried call (its RequestId recorded before, or earlier in this
      // batch) was attributed the first time: give back what it took.
      ASSIGN_OR_RETURN(auto recorded, txn.InsertCall(segments));
      for (auto& [pack, take] : takes) {
        if (recorded)
          used_delta[pack->id] += take;
        else
          pack->used -= take;
      }
      if (recorded) {
        live->spend.Add(call.action, call.quantity, left);
        for (const auto& segment : segments) billed[size_t(segment.source)] += segment.quantity;
      }
    }
    for (const auto& [pack_id, delta] : used_delta) {
      RETURN_IF_ERROR(txn.AddPackUsed(pack_id, delta));
    }
    // Asked after the last change: a store may promise a state only then.
    ASSIGN_OR_RETURN(auto after, txn.StateAfterCommit());
    state_after = after;
    return Status::Ok();
  });
  // The working set now holds this batch's takes: right if and only if it
  // committed. Both caches are bounded (a miss only costs a reload).
  constexpr size_t kMaxCachedAccounts = 50'000, kMaxIssuedMonths = 500'000;
  if (written.ok()) {
    for (size_t i = 0; i < billed.size(); ++i) billed_by_source_[i].fetch_add(billed[i]);
    if (free_issued_.size() + newly_issued.size() > kMaxIssuedMonths) free_issued_.clear();
    free_issued_.insert(newly_issued.begin(), newly_issued.end());
  }
  if (written.ok() && live_packs_.size() <= kMaxCachedAccounts) {
    live_packs_state_ = state_after;
  } else {
    live_packs_.clear();
    live_packs_state_.reset();
  }
  return written;
}

std::array<uint64_t, 3> BillingService::BilledCallsBySource() const {
  std::array<uint64_t, 3> out{};
  for (size_t i = 0; i < out.size(); ++i) out[i] = billed_by_source_[i].load();
  return out;
}

Result<std::vector<UsageByAction>> BillingService::UsageForMonth(const std::string& account,
                                                                 Month month) {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  const int offset = OffsetOf(catalog, month);
  std::vector<UsageByAction> out;
  for (const auto& [action, tiers] : catalog.InForceAt(MonthStart(month, offset)).tiers)
    out.push_back({action});
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto id, ResolveAccountId(txn, account));
    ASSIGN_OR_RETURN(auto sums,
                     txn.SumUsage(id, MonthStart(month, offset), MonthEnd(month, offset)));
    for (const auto& row : sums) {
      auto it =
          std::find_if(out.begin(), out.end(), [&](auto& u) { return u.action == row.action; });
      if (it == out.end()) it = out.insert(out.end(), UsageByAction{row.action});
      it->total += row.quantity;
      CountBySource(*it, row.source, row.quantity);
    }
    return Status::Ok();
  }));
  return out;
}

}  // namespace kanjian::billing
