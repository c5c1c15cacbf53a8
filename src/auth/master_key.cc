#include "auth/master_key.h"

#include <cctype>
#include <optional>

#include "common/error_codes.h"
#include "common/private_file.h"

namespace kanjian::auth {
namespace {

constexpr size_t kKeyBytes = 32;

// 64 hex digits (surrounding whitespace allowed in a file) → 32 bytes.
Result<std::string> ParseKey(std::string_view text, const std::string& source) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  auto key = crypto::Unhex(text);
  if (!key.ok() || key->size() != kKeyBytes)
    return Status(errc::kInvalidConfiguration, source + " must hold 64 hex digits");
  return key;
}

// The configured key, nullopt when neither the variable nor the file exists.
Result<std::optional<std::string>> ReadKey(const MasterKeySource& source) {
  if (!source.env_hex.empty()) {
    ASSIGN_OR_RETURN(auto key, ParseKey(source.env_hex, kMasterKeyVariable));
    return std::optional<std::string>(std::move(key));
  }
  ASSIGN_OR_RETURN(auto text, ReadPrivateFile(source.file_path));
  if (!text.has_value()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(auto key, ParseKey(*text, "master key file " + source.file_path));
  return std::optional<std::string>(std::move(key));
}

Result<std::string> MintKey(const MasterKeySource& source) {
  std::string key = crypto::RandomBytes(kKeyBytes);
  Status created = CreatePrivateFile(source.file_path, crypto::Hex(key) + "\n");
  if (created.code() == errc::kAlreadyExists) {  // another process minted it first
    ASSIGN_OR_RETURN(auto theirs, ReadKey(source));
    if (theirs.has_value()) return std::move(*theirs);
  }
  if (!created.ok()) return created;
  return key;
}

std::string WhereTheKeyComesFrom(const MasterKeySource& source) {
  return source.env_hex.empty() ? "master key file " + source.file_path
                                : std::string("$") + kMasterKeyVariable;
}

}  // namespace

std::string MasterKeyFileFor(const std::string& db_path) {
  return db_path + ".key";
}

Result<std::unique_ptr<crypto::SecretBox>> OpenMasterKey(store::Store& store,
                                                         const MasterKeySource& source) {
  ASSIGN_OR_RETURN(auto sealed, store.OldestKey());
  ASSIGN_OR_RETURN(auto key, ReadKey(source));
  if (!sealed.has_value()) {
    // Nothing sealed yet: any key will do, and minting one loses nothing.
    if (!key.has_value()) {
      ASSIGN_OR_RETURN(auto minted, MintKey(source));
      key = std::move(minted);
    }
    return std::make_unique<crypto::SecretBox>(std::move(*key));
  }
  if (!key.has_value()) {
    return Status(errc::kMasterKeyMissing,
                  "the database holds sealed SecretKeys but its master key is missing: "
                  "restore the file " +
                      source.file_path + " from your backup, or set " + kMasterKeyVariable +
                      " to its 64 hex digits (a new key cannot open them)");
  }
  auto box = std::make_unique<crypto::SecretBox>(std::move(*key));
  const store::ApiKey& probe = *sealed;
  if (!box->Open(probe.sealed_secret, probe.secret_id).ok()) {
    return Status(errc::kMasterKeyMismatch,
                  "the " + WhereTheKeyComesFrom(source) +
                      " does not open the SecretKeys sealed in this database (AES-GCM "
                      "authentication failed on " +
                      probe.secret_id + "): it is not the key they were sealed with");
  }
  return box;
}

}  // namespace kanjian::auth
