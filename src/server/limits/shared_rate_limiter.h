// Per-(account, action) QPS limits that hold across every node of a
// cluster: one GCRA bucket per pair in Redis, checked and updated by a Lua
// script in one round trip (Redis runs a script atomically, so two nodes
// can never both take the last token).
//
// Time is the node's injected clock, passed to the script: nodes must keep
// their clocks in step (NTP); a node δ ahead sees at most δ × qps extra
// calls. When Redis cannot be reached, each node falls back to a local
// bucket of max(1, qps ÷ nodes) — the cluster as a whole then stays near the
// limit without a shared store — and tries Redis again after a second.
// docs/operators/scale-out.md documents the choice.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "server/limits/qps_limiter.h"
#include "server/limits/rate_limiter.h"

struct redisContext;

namespace kanjian::server {

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string unix_socket;  // set by redis+unix:///path or unix:///path
  std::string password;     // redis://:PASSWORD@host
  int db = 0;               // redis://host/DB
};

// Parses redis://[:password@]host[:port][/db] and unix:///path[?db=N].
Result<RedisAddress> ParseRedisUrl(const std::string& url);

struct SharedRateLimiterOptions {
  RedisAddress address;
  int nodes = 1;                       // fallback divides each limit by this
  int timeout_ms = 50;                 // connect and per command
  int64_t retry_after_us = 1'000'000;  // after a failure, Redis is left alone this long
};

class SharedRateLimiter final : public QpsLimiter {
 public:
  SharedRateLimiter(SharedRateLimiterOptions options, const Clock& clock);
  ~SharedRateLimiter() override;

  bool Allow(const std::string& account_id, const std::string& action, int qps) override;

  // Calls answered by the local fallback since start (for /metrics, tests).
  uint64_t fallback_calls() const;
  // Whether the last attempt reached Redis.
  bool redis_up() const;

 private:
  struct Connection;
  enum class Outcome { kAllowed, kRefused, kUnavailable };

  Outcome AskRedis(const std::string& key, int qps);
  std::unique_ptr<Connection> Borrow();         // nullptr: Redis is down
  std::unique_ptr<Connection> Connect() const;  // nullptr on any failure
  void Return(std::unique_ptr<Connection> c);   // keeps it for the next call
  void MarkDown();

  const SharedRateLimiterOptions options_;
  const Clock& clock_;
  RateLimiter fallback_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  UnixMicros down_until_ = 0;                      // guarded by mu_
  bool up_ = true;                                 // guarded by mu_
  uint64_t fallback_calls_ = 0;                    // guarded by mu_
};

}  // namespace kanjian::server
