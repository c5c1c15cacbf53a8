// Optional replay protection (`serve --replay-protection`; beyond what the
// public cloud does): a signed request whose signature was already accepted
// within the 5-minute signature window is refused, so a captured request
// cannot be sent again to run (and bill) a second call.
//
// Per process: nodes behind a load balancer each keep their own set, so a
// request replayed to another node passes; that would need a shared store.
// Memory: one entry per verified request, kept until its Timestamp + the
// window (after that the signature check refuses it as expired anyway), so
// at most the requests verified in any 10 minutes (a Timestamp may run 5
// minutes ahead), and never more than max_entries (~200 bytes each: 1M v1 keys took 204 MB).
#pragma once

#include <cstdint>
#include <mutex>
#include <queue>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "protocol/tc3.h"

namespace kanjian::server {

class ReplayGuard {
 public:
  enum class Verdict { kFirst, kReplayed, kFull };

  // The window is the signatures' own: older requests fail verification anyway.
  explicit ReplayGuard(const Clock& clock, int64_t window_seconds = protocol::kMaxClockSkewSeconds,
                       size_t max_entries = 1'000'000)
      : clock_(clock), window_seconds_(window_seconds), max_entries_(max_entries) {}

  // Remembers `key` (unique per signed request: the signature, with the
  // Nonce for signature v1) until `signed_at` + window. kReplayed if it is
  // remembered already; kFull (nothing remembered) when max_entries live
  // entries are held, which the caller refuses as "busy" rather than let
  // a flood push out the entries that stop replays.
  Verdict Check(const std::string& key, int64_t signed_at);

  size_t size() const;

 private:
  // REQUIRES: mu_ held.
  void ForgetExpired(int64_t now_seconds);

  const Clock& clock_;
  const int64_t window_seconds_;
  const size_t max_entries_;

  mutable std::mutex mu_;
  // Guarded by mu_. Key → expiry second; the heap points at the map's keys
  // (node-based, so the pointers survive rehashing) ordered by expiry.
  std::unordered_map<std::string, int64_t> expiry_;
  using Entry = std::pair<int64_t, const std::string*>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> by_expiry_;
};

}  // namespace kanjian::server
