// Funds: recharges by source, vouchers, the account view, arrears and the
// operator's disable switch (docs/billing.md §5). The service state rule
// is service_state.h.
#include "billing/billing.h"
#include "billing/ledger_util.h"

namespace kanjian::billing {

using internal::kPlatform;

Result<std::string> BillingService::ResolveAccountId(store::Txn& txn, const std::string& account) {
  ASSIGN_OR_RETURN(auto found, txn.FindAccount(account));
  return found.id;
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
  ASSIGN_OR_RETURN(auto books, txn.Balances(account_id));
  return BalanceOf(books);
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
  RETURN_IF_ERROR(store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto id, ResolveAccountId(txn, account));
    const std::string hash =
        internal::RequestHash({"recharge", id, std::to_string(amount), source});
    ASSIGN_OR_RETURN(auto retry, internal::FindRetry(txn, key, hash));
    if (!retry) {
      store::LedgerTxn t{ids_.Next(IdKind::kLedgerTxn),
                         key,
                         hash,
                         id,
                         store::LedgerKind::kRecharge,
                         clock_.NowMicros(),
                         "",
                         "",
                         {{id, source, amount}, {kPlatform, "external", -amount}}};
      RETURN_IF_ERROR(txn.InsertLedgerTxn(t));
    }
    ASSIGN_OR_RETURN(auto b, ReadBalance(txn, id));
    out = b;
    return Status::Ok();
  }));
  return out;
}

Result<std::string> BillingService::GrantVoucher(const std::string& account, Fen amount,
                                                 std::optional<UnixMicros> expires_at,
                                                 const std::string& key_in) {
  if (amount <= 0) return Status(errc::kInvalidParameterValue, "a voucher must be positive");
  const std::string key = internal::KeyOrFresh(key_in, ids_);
  std::string voucher_id;
  RETURN_IF_ERROR(store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto id, ResolveAccountId(txn, account));
    const std::string hash = internal::RequestHash(
        {"voucher", id, std::to_string(amount), expires_at ? std::to_string(*expires_at) : ""});
    ASSIGN_OR_RETURN(auto retry, internal::FindRetry(txn, key, hash));
    if (retry) {
      voucher_id = retry->ref;
      return Status::Ok();
    }
    voucher_id = ids_.Next(IdKind::kVoucher);
    const UnixMicros now = clock_.NowMicros();
    RETURN_IF_ERROR(txn.InsertVoucher({voucher_id, id, amount, now, expires_at}));
    return txn.InsertLedgerTxn(
        {ids_.Next(IdKind::kLedgerTxn),
         key,
         hash,
         id,
         store::LedgerKind::kVoucherGrant,
         now,
         voucher_id,
         "",
         {{id, "voucher:" + voucher_id, amount}, {kPlatform, "vouchers", -amount}}});
  }));
  return voucher_id;
}

Result<AccountView> BillingService::ViewAccount(const std::string& account) {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  AccountView view;
  const UnixMicros now = clock_.NowMicros();
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto a, txn.FindAccount(account));
    view.account = a;
    ASSIGN_OR_RETURN(auto books, txn.Balances(a.id));  // sources and vouchers in one read
    view.balance = BalanceOf(books);
    ASSIGN_OR_RETURN(auto state,
                     LoadServiceState(txn, a, view.balance, catalog.InForceAt(now).settings, now));
    view.status = state;
    ASSIGN_OR_RETURN(auto vouchers, txn.ListVouchers(a.id));
    for (const auto& v : vouchers) {
      auto it = books.find("voucher:" + v.id);
      view.vouchers.push_back(
          {v.id, v.amount_fen, it == books.end() ? 0 : it->second, v.expires_at, v.granted_at});
    }
    return Status::Ok();
  }));
  return view;
}

Result<Balance> BillingService::AccountBalance(const std::string& account_id) {
  Balance out;
  RETURN_IF_ERROR(store_.ReadOne([&](store::Txn& txn) -> Status {  // one statement: Balances
    ASSIGN_OR_RETURN(auto b, ReadBalance(txn, account_id));
    out = b;
    return Status::Ok();
  }));
  return out;
}

Status BillingService::SetDisabled(const std::string& account, bool disabled,
                                   const std::string& reason) {
  if (disabled && reason != "content-review" && reason != "operator")
    return Status(errc::kInvalidParameterValue, "reason must be content-review or operator");
  return store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto a, txn.FindAccount(account));
    if (disabled) {
      a.status = store::AccountStatus::kDisabled;
      a.disabled_reason = reason;
    } else if (a.status == store::AccountStatus::kDisabled) {
      a.status = a.activated_at ? store::AccountStatus::kActive : store::AccountStatus::kInactive;
      a.disabled_reason.clear();
    }
    return txn.UpdateAccount(a);
  });
}

// On every API call: the account, its balance and (only when negative)
// its latest bill — no vouchers, no view.
Status BillingService::CheckServiceable(const std::string& account_id) {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  const UnixMicros now = clock_.NowMicros();
  ServiceState state = ServiceState::kInactive;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto a, txn.FindAccount(account_id));
    ASSIGN_OR_RETURN(auto balance, ReadBalance(txn, a.id));
    ASSIGN_OR_RETURN(auto loaded,
                     LoadServiceState(txn, a, balance, catalog.InForceAt(now).settings, now));
    state = loaded;
    return Status::Ok();
  }));
  return ServiceRefusal(state);
}

}  // namespace kanjian::billing
