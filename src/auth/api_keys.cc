#include "auth/api_keys.h"

#include <spdlog/spdlog.h>

#include "common/error_codes.h"
#include "common/ids.h"

namespace kanjian::auth {

Status ApiKeys::NeedBox() const {
  if (box_) return Status::Ok();
  return Status(errc::kMasterKeyMissing, "this operation needs the master key");
}

Result<store::ApiKey> ApiKeys::Mint(const std::string& account_id, NewKey* plain) const {
  RETURN_IF_ERROR(NeedBox());
  plain->secret_id = ids::NewSecretId();
  plain->secret_key = ids::NewSecretKey();
  return store::ApiKey{plain->secret_id, account_id,
                       box_->Seal(plain->secret_key, plain->secret_id), true, clock_.NowMicros()};
}

Result<NewKey> ApiKeys::Create(const std::string& name) {
  ASSIGN_OR_RETURN(auto account, store_.FindAccount(name));
  NewKey key;
  ASSIGN_OR_RETURN(auto sealed, Mint(account.id, &key));
  RETURN_IF_ERROR(store_.InsertKey(sealed));
  return key;
}

Result<NewKey> ApiKeys::Rotate(const std::string& secret_id) {
  ASSIGN_OR_RETURN(auto old, store_.FindKey(secret_id));
  NewKey key;
  ASSIGN_OR_RETURN(auto sealed, Mint(old.account_id, &key));
  Status s = store_.RotateKey(secret_id, sealed);
  Forget(secret_id);
  if (!s.ok()) return s;
  return key;
}

Status ApiKeys::Disable(const std::string& secret_id) {
  Status s = store_.SetKeyEnabled(secret_id, false);
  Forget(secret_id);
  return s;
}

Status ApiKeys::Enable(const std::string& secret_id) {
  return store_.SetKeyEnabled(secret_id, true);
}

Result<std::vector<store::ApiKey>> ApiKeys::List(const std::string& name) {
  ASSIGN_OR_RETURN(auto account, store_.FindAccount(name));
  return store_.ListKeys(account.id);
}

Result<Caller> ApiKeys::Authenticate(const std::string& secret_id) {
  // Read before the store: a change committed after this read changes the
  // version, so an entry never outlives a change it did not see.
  const std::optional<uint64_t> version = store_.KeysVersion();
  if (version) {
    std::lock_guard<std::mutex> lock(key_cache_mu_);
    auto it = key_cache_.find(secret_id);
    if (it != key_cache_.end() && it->second.keys_version == *version) return it->second.caller;
  }
  auto key = store_.FindKey(secret_id);
  if (!key.ok() && key.status().code() != errc::kNotFound) return key.status();
  if (!key.ok() || !key->enabled)
    return Status(errc::kSecretIdNotFound, "SecretId not found or disabled: " + secret_id);
  RETURN_IF_ERROR(NeedBox());
  ASSIGN_OR_RETURN(auto secret, box_->Open(key->sealed_secret, key->secret_id));
  Caller caller{key->account_id, std::move(secret)};
  if (version) {
    std::lock_guard<std::mutex> lock(key_cache_mu_);
    if (key_cache_.size() >= kMaxCachedKeys) key_cache_.clear();
    key_cache_[secret_id] = {caller, *version};
  }
  return caller;
}

void ApiKeys::Forget(const std::string& secret_id) {
  std::lock_guard<std::mutex> lock(key_cache_mu_);
  key_cache_.erase(secret_id);
}

void ApiKeys::NoteUsed(const std::string& secret_id) {
  const UnixMicros now = clock_.NowMicros();
  const UnixMicros minute = now - now % kKeyUseResolution;
  {
    std::lock_guard<std::mutex> lock(key_use_mu_);
    auto [it, fresh] = key_use_written_.try_emplace(secret_id, minute);
    if (!fresh && it->second >= minute) return;  // written this minute already
    it->second = minute;
    if (key_use_written_.size() > 100'000)
      key_use_written_.clear();  // bounded; a miss costs one write
  }
  Status s = store_.Write([&](store::Txn& txn) { return txn.TouchKey(secret_id, now); });
  if (!s.ok()) spdlog::warn("last use of key {} not recorded: {}", secret_id, s.ToString());
}

Result<std::map<std::string, UnixMicros>> ApiKeys::LastUsed(const std::string& account) {
  std::map<std::string, UnixMicros> out;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto found, txn.FindAccount(account));
    ASSIGN_OR_RETURN(auto used, txn.KeysLastUsed(found.id));
    out = std::move(used);
    return Status::Ok();
  }));
  return out;
}

}  // namespace kanjian::auth
