// Accounts and their API keys: creation, service activation, key
// management, and the key lookup that signature verification uses.
// SecretKeys are sealed under the server master key before they reach the
// store; the plain key is shown once, at creation.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "billing/id_source.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "store/store.h"

namespace kanjian::billing {

struct NewKey {
  std::string secret_id;
  std::string secret_key;
};

struct NewAccount {
  std::string account_id;
  NewKey key;
};

struct Caller {
  std::string account_id;
  std::string secret_key;
};

class AccountService {
 public:
  // `ids` names new accounts (id_source.h).
  AccountService(store::Store& store, const crypto::SecretBox& box, const Clock& clock,
                 IdSource& ids = DefaultIds())
      : store_(store), box_(&box), clock_(clock), ids_(ids) {}
  // Without the master key: everything but sealing a new key (Create,
  // CreateKey, RotateKey) and opening one (Authenticate), which answer
  // errc::kMasterKeyMissing. For operator commands on a database whose key
  // is lost.
  AccountService(store::Store& store, const Clock& clock, IdSource& ids = DefaultIds())
      : store_(store), box_(nullptr), clock_(clock), ids_(ids) {}

  Result<NewAccount> Create(const std::string& name);
  // Idempotent: activating an active account changes nothing.
  Result<store::Account> Activate(const std::string& account);
  Result<store::Account> Find(const std::string& account) { return store_.FindAccount(account); }

  Result<NewKey> CreateKey(const std::string& account);
  Result<NewKey> RotateKey(const std::string& secret_id);
  Status DisableKey(const std::string& secret_id);
  Status EnableKey(const std::string& secret_id);
  Result<std::vector<store::ApiKey>> ListKeys(const std::string& account);

  // The caller behind an enabled SecretId; AuthFailure.SecretIdNotFound for
  // unknown or disabled keys (the two are not told apart to the client).
  // Cached while the store's KeysVersion() stays the same (PostgreSQL: a
  // key changed on any node ends every entry within milliseconds); read
  // from the store every time where it has no such signal (SQLite).
  Result<Caller> Authenticate(const std::string& secret_id);

  // Notes that `secret_id` signed a verified request now. Coarse on
  // purpose: the store is written at most once a minute per key (the first
  // use in each minute), never once per call; a failed write is logged and
  // dropped. Thread-safe.
  void NoteKeyUsed(const std::string& secret_id);
  // When each of the account's keys last signed a request (to the minute's
  // first use), for the keys ever used.
  Result<std::map<std::string, UnixMicros>> KeysLastUsed(const std::string& account);

 private:
  Result<store::ApiKey> SealNewKey(const std::string& account_id, NewKey* plain) const;
  Status NeedBox() const;

  store::Store& store_;
  const crypto::SecretBox* const box_;  // null: no master key
  const Clock& clock_;
  IdSource& ids_;

  // A key changed here ends its entry at once (the store's signal may come
  // a little later).
  void Forget(const std::string& secret_id);

  struct CachedCaller {
    Caller caller;
    uint64_t keys_version = 0;  // the store's KeysVersion() before the read
  };
  static constexpr size_t kMaxCachedKeys = 100'000;  // bounded; a miss costs one read
  std::mutex key_cache_mu_;
  std::unordered_map<std::string, CachedCaller> key_cache_;  // guarded by key_cache_mu_

  static constexpr UnixMicros kKeyUseResolution = 60'000'000;
  std::mutex key_use_mu_;
  std::unordered_map<std::string, UnixMicros>
      key_use_written_;  // minute written; guarded by key_use_mu_
};

}  // namespace kanjian::billing
