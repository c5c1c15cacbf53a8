// Per-(account, action) token buckets: capacity = QPS, refilled
// continuously, on the injected clock. A refused call is never billed.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "server/limits/qps_limiter.h"

namespace kanjian::server {

class RateLimiter final : public QpsLimiter {
 public:
  explicit RateLimiter(const Clock& clock) : clock_(clock) {}

  // True if a call may proceed now; consumes one token.
  bool Allow(const std::string& account_id, const std::string& action, int qps) override;

 private:
  struct Bucket {
    int64_t tokens_micro;  // tokens × 1e6, integer to avoid drift
    UnixMicros updated_at;
  };
  const Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace kanjian::server
