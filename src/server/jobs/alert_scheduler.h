// Runs the alert dispatcher (billing/alerts/alert_service.h) from the server: a
// pass at start and then every `interval`, on its own thread, so a slow or
// failing receiver never holds up a request or the settlement.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "billing/alerts/alert_service.h"

namespace kanjian::server {

// How often `serve` looks for new notices and due deliveries by default.
inline constexpr std::chrono::milliseconds kAlertInterval{30'000};

class AlertScheduler {
 public:
  AlertScheduler(billing::AlertService& alerts, billing::AlertTransport& transport,
                 std::chrono::milliseconds interval);
  ~AlertScheduler();  // stops and joins

  // Passes completed so far (tests wait on it instead of sleeping).
  uint64_t passes() const { return passes_.load(); }

 private:
  void Loop();

  billing::AlertService& alerts_;
  billing::AlertTransport& transport_;
  const std::chrono::milliseconds interval_;
  std::atomic<uint64_t> passes_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kanjian::server
