#include "common/ids.h"

#include "common/crypto.h"

namespace kanjian::ids {

std::string NewRequestId() {
  std::string b = crypto::RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string h = crypto::Hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string NewAccountId() { return "acc-" + crypto::Hex(crypto::RandomBytes(6)); }
std::string NewSecretId() { return "AKID" + crypto::RandomAlnum(32); }
std::string NewSecretKey() { return crypto::RandomAlnum(32); }

}  // namespace kanjian::ids
