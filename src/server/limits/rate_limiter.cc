#include "server/limits/rate_limiter.h"

#include <algorithm>

namespace kanjian::server {

bool RateLimiter::Allow(const std::string& account_id, const std::string& action, int qps) {
  if (qps <= 0) return false;
  const int64_t capacity = int64_t{qps} * 1'000'000;
  const UnixMicros now = clock_.NowMicros();
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(account_id + "/" + action, Bucket{capacity, now});
  Bucket& b = it->second;
  const int64_t elapsed = std::max<int64_t>(0, now - b.updated_at);
  // qps tokens per second = qps micro-tokens per microsecond.
  b.tokens_micro = std::min(capacity, b.tokens_micro + elapsed * qps);
  b.updated_at = now;
  if (b.tokens_micro < 1'000'000) return false;
  b.tokens_micro -= 1'000'000;
  return true;
}

}  // namespace kanjian::server
