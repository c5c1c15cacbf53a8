// The billing domain (docs/billing.md): funds and vouchers, free and prepaid
// packs, call attribution, monthly settlement, arrears, refunds, catalog
// publication and the audit. No HTTP, no SQL: it sees store::Store and a
// Clock. Every money movement is one ledger transaction with an
// idempotency key, written in the same store transaction as the state it
// changes, so a retry never moves money twice.
//
// Implementation files by area: funds.cc, packs.cc, attribution.cc,
// settlement.cc, catalog_service.cc, audit.cc.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "billing/id_source.h"
#include "billing/rules/calendar.h"
#include "billing/rules/catalog.h"
#include "billing/rules/money.h"
#include "billing/rules/payment_order.h"
#include "billing/rules/service_state.h"
#include "billing/rules/spend_guard.h"
#include "common/clock.h"
#include "store/store.h"

namespace kanjian::billing {

struct Balance {
  Fen cash = 0, income = 0, gift = 0;
  Fen total() const { return cash + income + gift; }
};

struct VoucherView {
  std::string id;
  Fen amount = 0, remaining = 0;
  std::optional<UnixMicros> expires_at;
  UnixMicros granted_at = 0;
};

struct AccountView {
  store::Account account;
  ServiceState status = ServiceState::kInactive;  // service_state.h
  Balance balance;
  std::vector<VoucherView> vouchers;
};

struct Purchase {
  store::Pack pack;
  Payment paid;
};

struct UsageByAction {
  std::string action;
  int64_t total = 0, free = 0, pack = 0, postpaid = 0;
};

// A month's bill as the views see it: settled (stored), unsettled (the month
// has ended and settlement has not run yet) or open (the month is running).
enum class BillState { kOpen, kUnsettled, kSettled };
std::string_view ToString(BillState state);  // "open" | "unsettled" | "settled"

struct BillView {
  std::string month;
  std::vector<store::BillLine> lines;
  Fen total = 0;
  BillState status = BillState::kOpen;
};

// The spend guard of an account this month (spend_guard.h).
struct SpendGuardView {
  std::string month;          // "YYYY-MM", billing time zone
  std::optional<Fen> budget;  // none: no guard
  Fen spent = 0;              // this month's post-paid spend, as its bill prices it now
  int alert_percent = 0;      // 0, 50, 80 or 100
};

struct AuditReport {
  std::vector<std::string> problems;  // empty when every invariant holds
  int64_t accounts = 0, ledger_txns = 0, packs = 0;
};

// A call (or an imported quantity of calls) to attribute and record.
struct BilledCall {
  std::string request_id;
  std::string account_id;
  std::string action;
  UnixMicros at = 0;
  int64_t quantity = 1;
  // API calls: the spend guard (spend_guard.h) may refuse the post-paid
  // part. Imported usage (`usage record`) happened already and is recorded.
  bool spend_guarded = false;
};

class BillingService {
 public:
  // `ids` names new packs, vouchers, notices and ledger transactions
  // (id_source.h): random by default, sequential in simulations.
  BillingService(store::Store& store, const Clock& clock, IdSource& ids = DefaultIds())
      : store_(store), clock_(clock), ids_(ids) {}

  // Catalog (catalog_service.cc).
  Result<Catalog> LoadCatalog();
  // The billing time zone's UTC offset now (the catalog version in force).
  Result<int> OffsetNow();
  // Appends the versions in `document`. A version that lowers any free
  // quota must take effect at least notice_days after now; a valid one
  // stores a notice for every activated account it affects.
  Result<std::vector<std::string>> PublishCatalog(const nlohmann::json& document);
  Result<std::vector<store::Notice>> Notices(const std::string& account);

  // Funds (funds.cc). Keys: "" = a fresh key (no retry protection).
  Result<Balance> Recharge(const std::string& account, Fen amount, const std::string& source,
                           const std::string& idempotency_key);
  Result<std::string> GrantVoucher(const std::string& account, Fen amount,
                                   std::optional<UnixMicros> expires_at,
                                   const std::string& idempotency_key);
  Result<AccountView> ViewAccount(const std::string& account);
  // The balance alone (one read of the ledger's books): the billing API's
  // DescribeAccountBalance, asked far more often than the whole view.
  Result<Balance> AccountBalance(const std::string& account_id);
  Status SetDisabled(const std::string& account, bool disabled, const std::string& reason);

  // Packs (packs.cc).
  Result<Purchase> BuyPack(const std::string& account, const std::string& action, int64_t calls,
                           const std::string& voucher_id, const std::string& promotion,
                           const std::string& idempotency_key);
  // Operator gift: not paid, not refundable.
  Result<store::Pack> GrantPack(const std::string& account, const std::string& action,
                                int64_t calls, int validity_months,
                                const std::string& idempotency_key);
  // Every pack of the account, issuing this month's free packs first.
  Result<std::vector<store::Pack>> ListPacks(const std::string& account);
  Result<Payment> RefundPack(const std::string& pack_id);
  // The end (exclusive) of `pack`'s no-reason refund window: refund_policy.h's
  // RefundWindowEnd from its purchase time.
  static UnixMicros PackRefundWindowEnd(const store::Pack& pack, const BillingSettings& settings);

  // Attribution (attribution.cc): each call paid in the consumption order
  // (consumption_order.h), recorded in one transaction.
  // `refusals`, when given, receives one Status per call: OK, or the spend
  // guard's refusal (that call was not recorded; the others were).
  Status RecordCalls(std::span<const BilledCall> calls, std::vector<Status>* refusals = nullptr);
  // Calls this process has billed, by source, indexed by store::UsageSource
  // (free pack, resource pack, post-paid); counted when their transaction
  // commits, a call split across sources in each. For /metrics.
  std::array<uint64_t, 3> BilledCallsBySource() const;
  Result<std::vector<UsageByAction>> UsageForMonth(const std::string& account, Month month);

  // Spend guard (spend_budget.cc): an optional monthly post-paid budget;
  // nullopt removes it. A negative budget is InvalidParameterValue.
  Status SetSpendBudget(const std::string& account, std::optional<Fen> budget);
  Result<SpendGuardView> SpendGuard(const std::string& account);

  // Settlement (settlement.cc).
  using Progress = std::function<void(int64_t done, int64_t total)>;
  // Settles `month` for every account activated before its end; a second
  // run changes nothing. Returns how many bills were created now.
  Result<int64_t> RunBills(Month month, const Progress& progress = nullptr);
  Result<BillView> ShowBill(const std::string& account, Month month);

  // Whether the account may call the API now: OK, or
  // ResourceUnavailable.{NotExist, StopUsing, InArrears}.
  Status CheckServiceable(const std::string& account_id);

  // Audit (audit.cc): re-derives balances and usage counts from the ledger
  // and the usage records and reports every mismatch.
  Result<AuditReport> Audit();

  // Archiving the call log (usage_archive.cc): detaches the UTC month
  // `utc_month` from a PostgreSQL store's call log once every billing month
  // holding one of its instants has ended (MonthNotEnded) and is settled for
  // every account (MonthNotSettled); SQLite: UnsupportedOperation.
  Result<store::DetachedMonth> DetachUsageMonth(Month utc_month);

  const Clock& clock() const { return clock_; }

 private:
  friend class TenantView;    // the tenants' read model (tenant_view.h)
  friend class OperatorView;  // the operator console's read model (operator_view.h)

  // OK when `pack` may be refunded now, else the refusal: reads the
  // account's refunds this year from the store to build the RefundCase,
  // then asks refund_policy.h's RefundRefusal (docs/billing.md §7).
  static Status CheckRefundAllowed(store::Txn& txn, const store::Pack& pack,
                                   const store::Account& account, const BillingSettings& settings,
                                   UnixMicros now);
  // REQUIRES: inside a store write transaction.
  Status EnsureFreePacks(store::Txn& txn, const Catalog& catalog, const store::Account& account,
                         UnixMicros at);
  Result<std::string> ResolveAccountId(store::Txn& txn, const std::string& account);
  static Result<Balance> ReadBalance(store::Txn& txn, const std::string& account_id);
  static Balance BalanceOf(const std::map<std::string, int64_t>& books);
  // The billing time zone's offset for `month` (the version in force at its start).
  static int OffsetOf(const Catalog& catalog, Month month);
  // Loads what ServiceStateOf (service_state.h) needs and asks it.
  static Result<ServiceState> LoadServiceState(store::Txn& txn, const store::Account& account,
                                               const Balance& balance,
                                               const BillingSettings& settings, UnixMicros now);

  store::Store& store_;
  const Clock& clock_;
  IdSource& ids_;

  // The catalog is re-read at most once a second (another process may
  // publish) and at once after a publish here.
  std::mutex catalog_mu_;
  std::optional<Catalog> catalog_;                        // guarded by catalog_mu_
  std::chrono::steady_clock::time_point catalog_loaded_;  // guarded by catalog_mu_

  // Attribution's working set (attribution.cc), guarded by attribution_mu_,
  // which also serialises RecordCalls.
  //  - live_packs_: per account, the packs that can pay for calls in the
  //    month [start, end) they were loaded for, with `used` as committed. It
  //    is only trusted while the store is in the state the last successful
  //    RecordCalls left (live_packs_state_): any other commit, here or in
  //    another process (a purchase, a refund), empties it.
  //  - free_issued_: "account|YYYY-MM" whose free packs are known to exist
  //    (free packs are never deleted), so they are not looked up again.
  struct LivePacks {
    UnixMicros start = 0, end = 0;
    std::vector<store::Pack> packs = {};  // free first, then earliest expiry
    SpendTally spend = {};                // the month's post-paid spend vs the budget
  };
  std::mutex attribution_mu_;
  std::optional<uint64_t> live_packs_state_;
  std::unordered_map<std::string, LivePacks> live_packs_;
  std::unordered_set<std::string> free_issued_;
  std::array<std::atomic<uint64_t>, 3> billed_by_source_{};  // by store::UsageSource
};

}  // namespace kanjian::billing
