#include "auth/password.h"

#include <argon2.h>

#include <vector>

#include "common/crypto.h"
#include "common/error_codes.h"

namespace kanjian::auth::password {
namespace {
constexpr uint32_t kPasses = 2, kMemoryKiB = 19 * 1024, kLanes = 1;
constexpr size_t kSaltBytes = 16, kHashBytes = 32;
}  // namespace

Result<std::string> Hash(std::string_view password) {
  const std::string salt = crypto::RandomBytes(kSaltBytes);
  std::vector<char> encoded(
      argon2_encodedlen(kPasses, kMemoryKiB, kLanes, kSaltBytes, kHashBytes, Argon2_id));
  const int rc =
      argon2id_hash_encoded(kPasses, kMemoryKiB, kLanes, password.data(), password.size(),
                            salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK)
    return Status(errc::kInternalError, std::string("argon2id: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool Verify(std::string_view encoded_hash, std::string_view password) {
  const std::string hash(encoded_hash);  // NUL-terminated for libargon2
  return argon2id_verify(hash.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace kanjian::auth::password
