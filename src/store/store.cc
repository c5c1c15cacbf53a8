// The Store conveniences: each one operation in its own transaction, built
// on Write/Read, so every implementation gets them for free.
#include "store/store.h"

#include "common/error_codes.h"

namespace kanjian::store {

std::string_view ToString(AccountStatus s) {
  switch (s) {
    case AccountStatus::kInactive:
      return "inactive";
    case AccountStatus::kActive:
      return "active";
    case AccountStatus::kDisabled:
      return "disabled";
  }
  return "inactive";
}

namespace {

// Runs `op` (Txn& → Result<T>) in a read transaction and returns its value.
template <typename T, typename Op>
Result<T> ReadValue(Store& store, Op op) {
  std::optional<T> out;
  Status s = store.Read([&](Txn& txn) -> Status {
    Result<T> r = op(txn);
    if (!r.ok()) return r.status();
    out = std::move(r).value();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

}  // namespace

Status Store::CreateAccount(const Account& account, const ApiKey& first_key) {
  return Write([&](Txn& txn) -> Status {
    if (Status s = txn.InsertAccount(account); !s.ok()) return s;
    return txn.InsertKey(first_key);
  });
}

Result<Account> Store::FindAccount(std::string_view id_or_name) {
  return ReadValue<Account>(*this, [&](Txn& txn) { return txn.FindAccount(id_or_name); });
}

Status Store::UpdateAccount(const Account& account) {
  return Write([&](Txn& txn) { return txn.UpdateAccount(account); });
}

Status Store::InsertKey(const ApiKey& key) {
  return Write([&](Txn& txn) { return txn.InsertKey(key); });
}

Result<std::optional<ApiKey>> Store::OldestKey() {
  return ReadValue<std::optional<ApiKey>>(*this, [](Txn& txn) { return txn.OldestKey(); });
}

Result<ApiKey> Store::FindKey(std::string_view secret_id) {
  return ReadValue<ApiKey>(*this, [&](Txn& txn) { return txn.FindKey(secret_id); });
}

Result<std::vector<ApiKey>> Store::ListKeys(std::string_view account_id) {
  return ReadValue<std::vector<ApiKey>>(*this, [&](Txn& txn) { return txn.ListKeys(account_id); });
}

Status Store::SetKeyEnabled(std::string_view secret_id, bool enabled) {
  return Write([&](Txn& txn) { return txn.SetKeyEnabled(secret_id, enabled); });
}

// The old key must exist (errc::kNotFound, nothing inserted) and belong to
// the replacement's account.
Status Store::RotateKey(std::string_view old_secret_id, const ApiKey& replacement) {
  return Write([&](Txn& txn) -> Status {
    auto old = txn.FindKey(old_secret_id);
    if (!old.ok()) return old.status();
    if (old->account_id != replacement.account_id)
      return Status(errc::kInvalidParameterValue,
                    "key '" + std::string(old_secret_id) + "' belongs to another account");
    if (Status s = txn.InsertKey(replacement); !s.ok()) return s;
    return txn.SetKeyEnabled(old_secret_id, false);
  });
}

Status Store::AppendUsage(std::span<const UsageRecord> records) {
  return Write([&](Txn& txn) { return txn.InsertUsage(records); });
}

Result<std::vector<UsageRecord>> Store::ListUsage(std::string_view account_id, UnixMicros from,
                                                  UnixMicros to) {
  return ReadValue<std::vector<UsageRecord>>(
      *this, [&](Txn& txn) { return txn.ListUsage(account_id, from, to); });
}

}  // namespace kanjian::store
