// The storage interface. Domain code (billing, server) sees only this;
// sqlite_store.cc is the one place that talks SQL. Times are UnixMicros.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace kanjian::store {

enum class AccountStatus { kInactive, kActive, kDisabled };
std::string_view ToString(AccountStatus s);

struct Account {
  std::string id;
  std::string name;
  AccountStatus status = AccountStatus::kInactive;
  UnixMicros created_at = 0;
  std::optional<UnixMicros> activated_at;
  std::string disabled_reason;  // "" unless disabled
};

struct ApiKey {
  std::string secret_id;
  std::string account_id;
  std::string sealed_secret;  // SecretKey under the master key (crypto::SecretBox)
  bool enabled = true;
  UnixMicros created_at = 0;
};

// One successful, billed API call. request_id is the idempotency key: a
// record appended twice is stored once.
struct UsageRecord {
  std::string request_id;
  std::string account_id;
  std::string action;
  UnixMicros at = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Inserts the account and its first key atomically. Name must be unique
  // (errc::kAlreadyExists).
  virtual Status CreateAccount(const Account& account, const ApiKey& first_key) = 0;
  // Looks up by AccountId, then by name. errc::kNotFound.
  virtual Result<Account> FindAccount(std::string_view id_or_name) = 0;
  virtual Status UpdateAccount(const Account& account) = 0;

  virtual Status InsertKey(const ApiKey& key) = 0;
  virtual Result<ApiKey> FindKey(std::string_view secret_id) = 0;
  virtual Result<std::vector<ApiKey>> ListKeys(std::string_view account_id) = 0;
  virtual Status SetKeyEnabled(std::string_view secret_id, bool enabled) = 0;
  // Inserts `replacement` and disables `old_secret_id` in one transaction.
  virtual Status RotateKey(std::string_view old_secret_id, const ApiKey& replacement) = 0;

  // Appends all records in one durable transaction (one fsync).
  virtual Status AppendUsage(std::span<const UsageRecord> records) = 0;
  // Records of an account with from <= at < to, oldest first.
  virtual Result<std::vector<UsageRecord>> ListUsage(std::string_view account_id, UnixMicros from,
                                                     UnixMicros to) = 0;
};

// Opens (creating and migrating as needed) a SQLite database in WAL mode.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace kanjian::store
