// The server master key that seals every SecretKey (crypto::SecretBox), and
// the rule that keeps it matched to the database: a key is minted only for a
// database that holds no sealed secret yet, and a database that holds some
// opens only with the key that sealed them.
#pragma once

#include <memory>
#include <string>

#include "common/crypto.h"
#include "store/store.h"

namespace kanjian::auth {

inline constexpr char kMasterKeyVariable[] = "KANJIAN_MASTER_KEY";

struct MasterKeySource {
  std::string env_hex;    // $KANJIAN_MASTER_KEY (64 hex digits); "" = unset
  std::string file_path;  // used when env_hex is "": DB.key beside the database
};

// The file beside the database that holds its key: DB + ".key".
std::string MasterKeyFileFor(const std::string& db_path);

// Opens the box that seals this database's SecretKeys.
// The database holds a sealed secret: the key (env_hex, else the file) must
// exist — errc::kMasterKeyMissing naming the file and the variable — and must
// open the oldest sealed secret (its AES-GCM tag) — errc::kMasterKeyMismatch.
// It holds none: the key is read, or when there is none, minted into
// file_path (mode 0600, fsync-ed; a racing creator's key is read instead).
// A malformed key is errc::kInvalidConfiguration naming its source.
Result<std::unique_ptr<crypto::SecretBox>> OpenMasterKey(store::Store& store,
                                                         const MasterKeySource& source);

}  // namespace kanjian::auth
