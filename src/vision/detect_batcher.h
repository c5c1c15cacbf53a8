// Micro-batching for the detector, in leveldb's group-commit shape: a caller
// that finds no batch forming becomes the gatherer; it waits up to
// `window_ms` (or until `batch_max` images are pending), takes the pending
// images off the queue, hands the gatherer role to the next caller, and runs
// one batched inference for all of them; every caller gets its own
// detections back. Up to `max_inflight` batches run at once, so all cores
// stay busy while the next batch gathers. Callers are pool workers; the pool's bounded queue
// and deadlines still shed load before anything reaches the batcher.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "common/status.h"
#include "vision/yolo_detector.h"

namespace kanjian::vision {

class DetectBatcher {
 public:
  using BatchFn =
      std::function<Result<std::vector<std::vector<Detection>>>(const std::vector<cv::Mat>&)>;
  struct Options {
    int batch_max = 4;   // images per inference run, ≥ 1
    int window_ms = 5;   // how long a gatherer waits for neighbours
    // Batches running at once (≈ cores / intra-op threads). A gatherer
    // whose window ended waits for a free slot, still gathering meanwhile,
    // so under load batches fill up instead of running one image each.
    int max_inflight = 2;
  };

  DetectBatcher(Options options, BatchFn run);
  DetectBatcher(const DetectBatcher&) = delete;
  DetectBatcher& operator=(const DetectBatcher&) = delete;

  // Blocks until `image` was detected in some batch. Thread-safe.
  Result<std::vector<Detection>> Detect(const cv::Mat& image);

  uint64_t batches_run() const { return batches_.load(); }
  uint64_t images_run() const { return images_.load(); }

 private:
  struct Waiter {
    const cv::Mat* image = nullptr;
    bool lead = false;  // guarded by mu_
    bool done = false;  // guarded by mu_
    std::optional<Result<std::vector<Detection>>> result;  // guarded by mu_
    std::condition_variable cv;
  };

  // Constant after construction.
  const Options options_;
  const BatchFn run_;

  std::mutex mu_;
  std::condition_variable gather_cv_;
  std::deque<Waiter*> pending_;  // guarded by mu_; front is the gatherer while gathering_
  bool gathering_ = false;      // guarded by mu_; invariant: !gathering_ ⇒ pending_ empty
  int inflight_ = 0;            // guarded by mu_; batches running
  std::atomic<uint64_t> batches_{0}, images_{0};
};

}  // namespace kanjian::vision
