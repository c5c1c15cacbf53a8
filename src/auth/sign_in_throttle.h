// Throttling of failed sign-ins, per (login, client address), in memory.
//
// (our rules) Each address may fail five times for a login; after that it
// waits before its next try: 15 s after the fifth failure, doubling with
// each further one up to 15 minutes. A success from that address, or an hour
// without a failure from it, starts it afresh. Addresses count apart, so
// nobody can lock a login out from where its owner signs in. Above that, a
// login that fails 1000 times within an hour (from any number of addresses,
// each of which can reach about 14 an hour) waits until the hour is over,
// whatever the address.
//
// The counts are kept for any login typed, existing or not, so a throttled
// answer says nothing about whether the login exists (one over 64 bytes,
// which cannot exist, counts under its first 65). Each server process
// counts for itself (several nodes: each allows this much).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "common/clock.h"

namespace kanjian::auth {

struct ThrottleRules {
  int free_failures = 5;  // per (login, address) before any wait
  int64_t first_wait_micros = 15'000'000;
  int64_t max_wait_micros = 15LL * 60 * 1'000'000;
  int64_t forget_micros = 3600 * 1'000'000LL;  // a quiet pair starts afresh
  int login_ceiling = 1000;                    // failures per login per window
  int64_t ceiling_window_micros = 3600 * 1'000'000LL;
  size_t max_entries = 100'000;  // pairs (and logins) remembered at most
};

class SignInThrottle {
 public:
  explicit SignInThrottle(ThrottleRules rules = {}) : rules_(rules) {}

  // Microseconds before `address` may try `login` again; 0 = now.
  int64_t WaitMicros(const std::string& login, const std::string& address, UnixMicros now);

  enum class Lock { kNone, kAddress, kLogin };
  struct Failure {
    Lock started = Lock::kNone;  // a wait this failure began (worth logging)
    int failures = 0;            // of this pair (kAddress) or login (kLogin)
    int64_t wait_micros = 0;     // before the next try from this address
  };
  Failure Failed(const std::string& login, const std::string& address, UnixMicros now);
  void Succeeded(const std::string& login, const std::string& address);

 private:
  struct Pair {
    int failures = 0;
    UnixMicros last_failure = 0;
    UnixMicros next_try = 0;
  };
  struct Login {
    int failures = 0;
    UnixMicros window_start = 0;
  };
  // REQUIRES: mu_ held.
  void Prune(UnixMicros now);

  const ThrottleRules rules_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Pair> pairs_;  // guarded by mu_
  std::map<std::string, Login> logins_;                        // guarded by mu_
};

}  // namespace kanjian::auth
