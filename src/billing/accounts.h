// Accounts: creation (with the account's first API key), service
// activation, and the account's API keys, which auth/api_keys.h keeps:
// the key methods here hand over to it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "auth/api_keys.h"
#include "billing/id_source.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "store/store.h"

namespace kanjian::billing {

struct NewAccount {
  std::string account_id;
  auth::NewKey key;
};

class AccountService {
 public:
  // `ids` names new accounts (id_source.h).
  AccountService(store::Store& store, const crypto::SecretBox& box, const Clock& clock,
                 IdSource& ids = DefaultIds())
      : store_(store), clock_(clock), ids_(ids), keys_(store, &box, clock) {}
  // Without the master key: everything but sealing a new key (Create,
  // CreateKey, RotateKey) and opening one (Authenticate), which answer
  // errc::kMasterKeyMissing. For operator commands on a database whose key
  // is lost.
  AccountService(store::Store& store, const Clock& clock, IdSource& ids = DefaultIds())
      : store_(store), clock_(clock), ids_(ids), keys_(store, nullptr, clock) {}

  Result<NewAccount> Create(const std::string& name);
  // Idempotent: activating an active account changes nothing.
  Result<store::Account> Activate(const std::string& account);
  Result<store::Account> Find(const std::string& account) { return store_.FindAccount(account); }

  // The account's keys (auth::ApiKeys says what each does).
  Result<auth::NewKey> CreateKey(const std::string& account) { return keys_.Create(account); }
  Result<auth::NewKey> RotateKey(const std::string& secret_id) { return keys_.Rotate(secret_id); }
  Status DisableKey(const std::string& secret_id) { return keys_.Disable(secret_id); }
  Status EnableKey(const std::string& secret_id) { return keys_.Enable(secret_id); }
  Result<std::vector<store::ApiKey>> ListKeys(const std::string& account) {
    return keys_.List(account);
  }
  Result<auth::Caller> Authenticate(const std::string& secret_id) {
    return keys_.Authenticate(secret_id);
  }
  void NoteKeyUsed(const std::string& secret_id) { keys_.NoteUsed(secret_id); }
  Result<std::map<std::string, UnixMicros>> KeysLastUsed(const std::string& account) {
    return keys_.LastUsed(account);
  }

 private:
  store::Store& store_;
  const Clock& clock_;
  IdSource& ids_;
  auth::ApiKeys keys_;
};

}  // namespace kanjian::billing
