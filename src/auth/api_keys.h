// API keys (a SecretId and its SecretKey): minted for an account, rotated,
// disabled and listed, and looked up by the signature verification of
// every call. SecretKeys are sealed under the server master key
// (master_key.h) before they reach the store; the plain key is shown once,
// at creation.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/crypto.h"
#include "store/store.h"

namespace kanjian::auth {

struct NewKey {
  std::string secret_id;
  std::string secret_key;
};

struct Caller {
  std::string account_id;
  std::string secret_key;
};

class ApiKeys {
 public:
  // `box` null: no master key. Then everything but sealing a new key
  // (Mint, Create, Rotate) and opening one (Authenticate) works; those
  // answer errc::kMasterKeyMissing. For operator commands on a database
  // whose key is lost.
  ApiKeys(store::Store& store, const crypto::SecretBox* box, const Clock& clock)
      : store_(store), box_(box), clock_(clock) {}

  // A new key for `account_id`, sealed as the store keeps it; its plain
  // form in *plain. Nothing is written: the caller stores it (with a new
  // account, in the same write).
  Result<store::ApiKey> Mint(const std::string& account_id, NewKey* plain) const;

  // `account` is an AccountId or name.
  Result<NewKey> Create(const std::string& account);
  Result<NewKey> Rotate(const std::string& secret_id);
  Status Disable(const std::string& secret_id);
  Status Enable(const std::string& secret_id);
  Result<std::vector<store::ApiKey>> List(const std::string& account);

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
  void NoteUsed(const std::string& secret_id);
  // When each of the account's keys last signed a request (to the minute's
  // first use), for the keys ever used.
  Result<std::map<std::string, UnixMicros>> LastUsed(const std::string& account);

 private:
  Status NeedBox() const;
  // A key changed here ends its entry at once (the store's signal may come
  // a little later).
  void Forget(const std::string& secret_id);

  store::Store& store_;
  const crypto::SecretBox* const box_;  // null: no master key
  const Clock& clock_;

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

}  // namespace kanjian::auth
