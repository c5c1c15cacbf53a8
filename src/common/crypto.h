// Thin wrappers over OpenSSL: hashing, HMAC, randomness, base64 and the
// authenticated encryption that protects SecretKeys at rest.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kanjian::crypto {

std::string Sha256(std::string_view data);  // 32 raw bytes
// The file's bytes, read in chunks (a model file is tens of MB).
Result<std::string> Sha256OfFile(const std::string& path);            // 32 raw bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
// Only for signature v1's HmacSHA1, which older clients still send.
std::string HmacSha1(std::string_view key, std::string_view data);  // 20 raw bytes
std::string Hex(std::string_view bytes);                            // lowercase
Result<std::string> Unhex(std::string_view hex);
// Compares in time that depends only on the lengths, not the contents.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
std::string RandomBytes(size_t n);
// Random string over [A-Za-z0-9], n characters (no modulo bias).
std::string RandomAlnum(size_t n);
// Strict standard base64 (RFC 4648 §4, padding required). nullopt on bad input.
std::optional<std::string> Base64Decode(std::string_view text);
std::string Base64Encode(std::string_view bytes);

// AES-256-GCM with a random 96-bit nonce; output = nonce | ciphertext | tag.
// `aad` binds the ciphertext to its context (e.g. the SecretId) so a sealed
// value copied to another row fails to open.
class SecretBox {
 public:
  explicit SecretBox(std::string key);  // REQUIRES: key.size() == 32
  std::string Seal(std::string_view plaintext, std::string_view aad) const;
  Result<std::string> Open(std::string_view sealed, std::string_view aad) const;

 private:
  const std::string key_;
};

}  // namespace kanjian::crypto
