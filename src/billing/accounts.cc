#include "billing/accounts.h"

#include "common/error_codes.h"

namespace kanjian::billing {

Result<NewAccount> AccountService::Create(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return Status(errc::kInvalidParameterValue, "account name must be 1-64 characters");
  NewAccount out;
  out.account_id = ids_.Next(IdKind::kAccount);
  store::Account account{out.account_id,     name,         store::AccountStatus::kInactive,
                         clock_.NowMicros(), std::nullopt, ""};
  ASSIGN_OR_RETURN(auto sealed, keys_.Mint(out.account_id, &out.key));
  RETURN_IF_ERROR(store_.CreateAccount(account, sealed));
  return out;
}

Result<store::Account> AccountService::Activate(const std::string& name) {
  ASSIGN_OR_RETURN(auto account, store_.FindAccount(name));
  if (account.status == store::AccountStatus::kInactive) {
    account.status = store::AccountStatus::kActive;
    account.activated_at = clock_.NowMicros();
    RETURN_IF_ERROR(store_.UpdateAccount(account));
  }
  return account;
}

}  // namespace kanjian::billing
