// Password hashing for console sign-in: argon2id (Debian libargon2), with
// a random salt, stored in argon2's encoded form ($argon2id$v=19$m=…).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kanjian::auth::password {

// OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane (~50 ms on one core).
Result<std::string> Hash(std::string_view password);
// Constant-time comparison inside libargon2; false for a malformed hash.
bool Verify(std::string_view encoded_hash, std::string_view password);

}  // namespace kanjian::auth::password
