// What the API asks of a QPS limiter: may this account call this action now?
// RateLimiter answers per node; SharedRateLimiter (Redis) across nodes.
#pragma once

#include <string>

namespace kanjian::server {

class QpsLimiter {
 public:
  virtual ~QpsLimiter() = default;
  // True if a call may proceed now; consumes one token. qps ≤ 0 refuses.
  virtual bool Allow(const std::string& account_id, const std::string& action, int qps) = 0;
};

}  // namespace kanjian::server
