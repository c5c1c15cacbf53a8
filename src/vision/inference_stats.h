// Cumulative inference timings for /metrics: a count, a sum and a histogram
// with fixed bucket bounds (Prometheus style, cumulative on export). Lock-free.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace kanjian::vision {

class InferenceStats {
 public:
  // Upper bounds (inclusive) in milliseconds; a last, implicit +Inf bucket.
  static constexpr std::array<double, 10> kBucketBoundsMs = {5,   10,  25,   50,   100,
                                                             250, 500, 1000, 2500, 5000};
  static constexpr size_t kBuckets = kBucketBoundsMs.size() + 1;

  struct Snapshot {
    uint64_t count = 0;
    double sum_ms = 0;
    // Not cumulative: buckets[i] counts observations in (bound[i-1], bound[i]];
    // the last one counts those above the last bound.
    std::array<uint64_t, kBuckets> buckets{};
  };

  void Record(double ms) {
    size_t i = 0;
    while (i < kBucketBoundsMs.size() && ms > kBucketBoundsMs[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(uint64_t(ms * 1000 + 0.5), std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
  }

  // Each field is read atomically; the set is not a single atomic cut.
  Snapshot snapshot() const {
    Snapshot s;
    s.count = count_.load(std::memory_order_relaxed);
    s.sum_ms = double(sum_us_.load(std::memory_order_relaxed)) / 1000;
    for (size_t i = 0; i < kBuckets; ++i) s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_us_{0};
  std::array<std::atomic<uint64_t>, kBuckets> buckets_{};
};

}  // namespace kanjian::vision
