// Minimal Prometheus primitives: lock-free counters and fixed-bucket
// histograms, rendered in the text exposition format. Each subsystem
// declares its metrics as a struct; the server exports them in one place.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace kanjian::metrics {

class Histogram {
 public:
  // Upper bounds in milliseconds; +Inf is implicit.
  static constexpr std::array<double, 14> kBoundsMs = {1,   2.5, 5,    10,   25,   50,    100,
                                                       250, 500, 1000, 2500, 5000, 10000, 30000};
  void Observe(double ms);
  // Appends `name_bucket{...,le=...}`, `_sum`, `_count` lines; `labels` is
  // either empty or `key="value",...` without braces.
  void Render(const std::string& name, const std::string& labels, std::string* out) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBoundsMs.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};
};

// Counter family keyed by a label string (`action="DetectPet",code="OK"`).
class CounterFamily {
 public:
  void Increment(const std::string& labels, uint64_t by = 1);
  void Render(const std::string& name, std::string* out) const;
  uint64_t Get(const std::string& labels) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> values_;  // guarded by mu_
};

// Histogram family keyed by a label string.
class HistogramFamily {
 public:
  Histogram& For(const std::string& labels);
  void Render(const std::string& name, std::string* out) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Histogram> values_;  // guarded by mu_; nodes are stable
};

void RenderHeader(const std::string& name, const char* type, const char* help, std::string* out);

}  // namespace kanjian::metrics
