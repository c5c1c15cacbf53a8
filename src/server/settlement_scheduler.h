// Runs the monthly settlement from the server: at start and then every
// `interval`, if the previous month (in the billing time zone) has not been
// settled by this process, run `bill run` for it. RunBills is idempotent,
// so a restart or a manual `kanjian bill run` never bills twice.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "billing/billing.h"

namespace kanjian::server {

// How often `serve` looks for a month to settle (docs/operators/billing.md: a month
// is settled within this long of its end).
inline constexpr std::chrono::seconds kSettlementInterval{30};

class SettlementScheduler {
 public:
  SettlementScheduler(billing::BillingService& billing, std::chrono::milliseconds interval);
  ~SettlementScheduler();  // stops and joins

  // Passes completed so far (tests wait on it instead of sleeping).
  uint64_t passes() const { return passes_.load(); }

 private:
  void Loop();
  void Tick();

  billing::BillingService& billing_;
  const std::chrono::milliseconds interval_;
  std::string settled_month_;  // only touched by the loop thread
  std::atomic<uint64_t> passes_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kanjian::server
