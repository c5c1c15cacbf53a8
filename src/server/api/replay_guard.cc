#include "server/api/replay_guard.h"

namespace kanjian::server {

ReplayGuard::Verdict ReplayGuard::Check(const std::string& key, int64_t signed_at) {
  const int64_t now = clock_.NowSeconds();
  std::lock_guard lock(mu_);
  ForgetExpired(now);
  if (expiry_.count(key)) return Verdict::kReplayed;
  if (expiry_.size() >= max_entries_) return Verdict::kFull;
  // Past this second the timestamp check refuses the request by itself.
  const int64_t expires = signed_at + window_seconds_ + 1;
  auto it = expiry_.emplace(key, expires).first;
  by_expiry_.emplace(expires, &it->first);
  return Verdict::kFirst;
}

size_t ReplayGuard::size() const {
  std::lock_guard lock(mu_);
  return expiry_.size();
}

void ReplayGuard::ForgetExpired(int64_t now_seconds) {
  while (!by_expiry_.empty() && by_expiry_.top().first <= now_seconds) {
    expiry_.erase(*by_expiry_.top().second);
    by_expiry_.pop();
  }
}

}  // namespace kanjian::server
