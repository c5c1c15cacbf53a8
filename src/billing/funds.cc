// Funds: recharges by source, vouchers, the account view, arrears and the
// operator's disable switch (docs/billing.md §5). The service state rule
// is service_state.h.
#include "billing/billing.h"
#include "billing/ledger_util.h"

namespace kanjian::billing {

using internal::kPlatform;

Result<std::string> BillingService::ResolveAccountId(store::Txn& txn, const std::string& account) {
  auto found = txn.FindAccount(account);
  if (!found.ok()) return found.status();
  return found->id;
}

Balance BillingService::BalanceOf(const std::map<std::string, int64_t>& books) {
  Balance b;
  for (const auto& [book, amount] : books) {
    if (book == "cash")
      b.cash = amount;
    else if (book == "income")
      b.income = amount;
    else if (book == "gift")
      b.gift = amount;
  }
  return b;
}

Result<Balance> BillingService::ReadBalance(store::Txn& txn, const std::string& account_id) {
  auto books = txn.Balances(account_id);
  if (!books.ok()) return books.status();
  return BalanceOf(*books);
}

Result<ServiceState> BillingService::LoadServiceState(store::Txn& txn,
                                                      const store::Account& account,
                                                      const Balance& balance,
                                                      const BillingSettings& settings,
                                                      UnixMicros now) {
  std::optional<UnixMicros> last_bill_at;
  if (balance.total() < 0) {  // only then does the latest settlement matter
    auto bill = txn.LatestBill(account.id);
    if (bill.ok() && *bill) last_bill_at = (*bill)->created_at;
  }
  return ServiceStateOf(account.status, balance.total(), last_bill_at, now, settings);
}

Result<Balance> BillingService::Recharge(const std::string& account, Fen amount,
                                         const std::string& source, const std::string& key_in) {
  if (amount <= 0) return Status(errc::kInvalidParameterValue, "a recharge must be positive");
  if (source != "cash" && source != "income" && source != "gift")
    return Status(errc::kInvalidParameterValue, "source must be cash, income or gift");
  const std::string key = internal::KeyOrFresh(key_in, ids_);
  Balance out;
  Status s = store_.Write([&](store::Txn& txn) -> Status {
    auto id = ResolveAccountId(txn, account);
    if (!id.ok()) return id.status();
    const std::string hash =
        internal::RequestHash({"recharge", *id, std::to_string(amount), source});
    auto retry = internal::FindRetry(txn, key, hash);
    if (!retry.ok()) return retry.status();
    if (!*retry) {
      store::LedgerTxn t{ids_.Next(IdKind::kLedgerTxn),
                         key,
                         hash,
                         *id,
                         store::LedgerKind::kRecharge,
                         clock_.NowMicros(),
                         "",
                         "",
                         {{*id, source, amount}, {kPlatform, "external", -amount}}};
      if (Status st = txn.InsertLedgerTxn(t); !st.ok()) return st;
    }
    auto b = ReadBalance(txn, *id);
    if (!b.ok()) return b.status();
    out = *b;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::string> BillingService::GrantVoucher(const std::string& account, Fen amount,
                                                 std::optional<UnixMicros> expires_at,
                                                 const std::string& key_in) {
  if (amount <= 0) return Status(errc::kInvalidParameterValue, "a voucher must be positive");
  const std::string key = internal::KeyOrFresh(key_in, ids_);
  std::string voucher_id;
  Status s = store_.Write([&](store::Txn& txn) -> Status {
    auto id = ResolveAccountId(txn, account);
    if (!id.ok()) return id.status();
    const std::string hash = internal::RequestHash(
        {"voucher", *id, std::to_string(amount), expires_at ? std::to_string(*expires_at) : ""});
    auto retry = internal::FindRetry(txn, key, hash);
    if (!retry.ok()) return retry.status();
    if (*retry) {
      voucher_id = (*retry)->ref;
      return Status::Ok();
    }
    voucher_id = ids_.Next(IdKind::kVoucher);
    const UnixMicros now = clock_.NowMicros();
    if (Status st = txn.InsertVoucher({voucher_id, *id, amount, now, expires_at}); !st.ok())
      return st;
    return txn.InsertLedgerTxn(
        {ids_.Next(IdKind::kLedgerTxn),
         key,
         hash,
         *id,
         store::LedgerKind::kVoucherGrant,
         now,
         voucher_id,
         "",
         {{*id, "voucher:" + voucher_id, amount}, {kPlatform, "vouchers", -amount}}});
  });
  if (!s.ok()) return s;
  return voucher_id;
}

Result<AccountView> BillingService::ViewAccount(const std::string& account) {
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  AccountView view;
  const UnixMicros now = clock_.NowMicros();
  Status s = store_.Read([&](store::Txn& txn) -> Status {
    auto a = txn.FindAccount(account);
    if (!a.ok()) return a.status();
    view.account = *a;
    auto books = txn.Balances(a->id);  // sources and vouchers in one read
    if (!books.ok()) return books.status();
    view.balance = BalanceOf(*books);
    auto state = LoadServiceState(txn, *a, view.balance, catalog->InForceAt(now).settings, now);
    if (!state.ok()) return state.status();
    view.status = *state;
    auto vouchers = txn.ListVouchers(a->id);
    if (!vouchers.ok()) return vouchers.status();
    for (const auto& v : *vouchers) {
      auto it = books->find("voucher:" + v.id);
      view.vouchers.push_back(
          {v.id, v.amount_fen, it == books->end() ? 0 : it->second, v.expires_at, v.granted_at});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return view;
}

Result<Balance> BillingService::AccountBalance(const std::string& account_id) {
  Balance out;
  Status s = store_.ReadOne([&](store::Txn& txn) -> Status {  // one statement: Balances
    auto b = ReadBalance(txn, account_id);
    if (!b.ok()) return b.status();
    out = *b;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status BillingService::SetDisabled(const std::string& account, bool disabled,
                                   const std::string& reason) {
  if (disabled && reason != "content-review" && reason != "operator")
    return Status(errc::kInvalidParameterValue, "reason must be content-review or operator");
  return store_.Write([&](store::Txn& txn) -> Status {
    auto a = txn.FindAccount(account);
    if (!a.ok()) return a.status();
    if (disabled) {
      a->status = store::AccountStatus::kDisabled;
      a->disabled_reason = reason;
    } else if (a->status == store::AccountStatus::kDisabled) {
      a->status = a->activated_at ? store::AccountStatus::kActive : store::AccountStatus::kInactive;
      a->disabled_reason.clear();
    }
    return txn.UpdateAccount(*a);
  });
}

// On every API call: the account, its balance and (only when negative)
// its latest bill — no vouchers, no view.
Status BillingService::CheckServiceable(const std::string& account_id) {
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  const UnixMicros now = clock_.NowMicros();
  ServiceState state = ServiceState::kInactive;
  Status s = store_.Read([&](store::Txn& txn) -> Status {
    auto a = txn.FindAccount(account_id);
    if (!a.ok()) return a.status();
    auto balance = ReadBalance(txn, a->id);
    if (!balance.ok()) return balance.status();
    auto loaded = LoadServiceState(txn, *a, *balance, catalog->InForceAt(now).settings, now);
    if (!loaded.ok()) return loaded.status();
    state = *loaded;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return ServiceRefusal(state);
}

}  // namespace kanjian::billing
