#include "server/jobs/alert_scheduler.h"

namespace kanjian::server {

AlertScheduler::AlertScheduler(billing::AlertService& alerts, billing::AlertTransport& transport,
                               std::chrono::milliseconds interval)
    : alerts_(alerts), transport_(transport), interval_(interval), thread_([this] { Loop(); }) {}

AlertScheduler::~AlertScheduler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void AlertScheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    (void)alerts_.RunOnce(transport_);  // logs what it sent and what failed
    passes_.fetch_add(1);
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace kanjian::server
