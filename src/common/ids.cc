#include "common/ids.h"

#include <chrono>
#include <cstdint>

#include "common/crypto.h"

namespace kanjian::ids {

namespace {
// 16 bytes of a thread's buffered RAND_bytes: one RAND_bytes per 256 ids
// instead of one per request (each call pays OpenSSL's fork check, a
// getpid() system call, about 4 % of a signed request's CPU on PostgreSQL).
// Only kanjian forks to exec redis-server at once, so no child repeats an id.
std::string RandomSixteen() {
  constexpr size_t kBuffer = 4096;
  thread_local std::string pool;
  thread_local size_t used = kBuffer;
  if (used == kBuffer) {
    pool = crypto::RandomBytes(kBuffer);
    used = 0;
  }
  std::string out = pool.substr(used, 16);
  used += 16;
  return out;
}
}  // namespace

// UUID version 7 (RFC 9562): 48-bit Unix milliseconds, then randomness, so
// ids sort by time and usage-table inserts stay local in the B-tree (random
// v4 ids cost about one dirty page per insert). Ordering only: no logic
// reads time from an id.
std::string NewRequestId() {
  std::string b = RandomSixteen();
  const uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  for (int i = 0; i < 6; ++i) b[i] = static_cast<char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x70);  // version 7
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string h = crypto::Hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string NewAccountId() {
  return "acc-" + crypto::Hex(crypto::RandomBytes(6));
}
std::string NewSecretId() {
  return "AKID" + crypto::RandomAlnum(32);
}
std::string NewSecretKey() {
  return crypto::RandomAlnum(32);
}

}  // namespace kanjian::ids
