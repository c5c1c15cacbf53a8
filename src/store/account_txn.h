// Accounts and their API keys: the accounts, the keys, when each key was
// last used, and the account's monthly post-paid budget (the spend guard).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace kanjian::store {

class AccountTxn {
 public:
  virtual ~AccountTxn() = default;

  // Name must be unique (errc::kAlreadyExists).
  virtual Status InsertAccount(const Account& account) = 0;
  // Looks up by AccountId, then by name. errc::kNotFound.
  virtual Result<Account> FindAccount(std::string_view id_or_name) = 0;
  virtual Status UpdateAccount(const Account& account) = 0;
  // Every account, ordered by id.
  virtual Result<std::vector<Account>> ListAccounts() = 0;
  virtual Status InsertKey(const ApiKey& key) = 0;
  virtual Result<ApiKey> FindKey(std::string_view secret_id) = 0;  // errc::kNotFound
  virtual Result<std::vector<ApiKey>> ListKeys(std::string_view account_id) = 0;
  virtual Status SetKeyEnabled(std::string_view secret_id, bool enabled) = 0;  // errc::kNotFound
  // The oldest key (enabled or not), nullopt when the database holds none:
  // what the master key check opens at startup.
  virtual Result<std::optional<ApiKey>> OldestKey() = 0;
  // Records that a key signed a request at `at` (never moves back).
  virtual Status TouchKey(std::string_view secret_id, UnixMicros at) = 0;
  // Last use of each of the account's keys that was ever used.
  virtual Result<std::map<std::string, UnixMicros>> KeysLastUsed(std::string_view account_id) = 0;

  // The account's monthly post-paid budget (fen), nullopt when it has none.
  virtual Result<std::optional<int64_t>> FindSpendBudget(std::string_view account_id) = 0;
  // Sets (or, with nullopt, removes) the account's budget.
  virtual Status SetSpendBudget(std::string_view account_id, std::optional<int64_t> budget_fen,
                                UnixMicros at) = 0;
};

}  // namespace kanjian::store
