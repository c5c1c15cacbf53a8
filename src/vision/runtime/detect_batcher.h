// Micro-batching for the detector, in leveldb's group-commit shape: a caller
// that finds no batch forming becomes the gatherer. It waits for a free
// slot (one of `max_inflight` batches that may run at once), gathering
// meanwhile; with a slot free it may wait up to `window_ms` more for a full
// batch. It then takes its share of the pending images, hands the gatherer
// role to the next caller, and runs one batched inference; every caller gets
// its own detections back.
//
// Its share is ceil(pending / free slots), at most `batch_max`: images never
// queue behind a batch while a slot sits idle. On 16 one-thread workers,
// taking up to `batch_max` regardless left 4 of them doing all the work and
// the rest idle, far slower than no batching (docs/developers/benchmarks.md).
// So batches form from what queued while every slot was busy (continuous
// batching) and, with a window, from neighbours that arrive within it.
// Callers are pool workers; the pool's bounded queue and deadlines still
// shed load before anything reaches the batcher.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <optional>
#include <vector>

#include "common/status.h"
#include "vision/runtime/detection.h"

namespace kanjian::vision {

class DetectBatcher {
 public:
  using BatchFn =
      std::function<Result<std::vector<std::vector<Detection>>>(const std::vector<cv::Mat>&)>;
  struct Options {
    int batch_max = 4;  // images per inference run, ≥ 1
    int window_ms = 0;  // how long a gatherer with a free slot waits for neighbours
    // Batches running at once: the detector workers (each has its own
    // intra-op threads). A gatherer waits for a free slot, still gathering
    // meanwhile, so under load batches fill up instead of running one image each.
    int max_inflight = 2;
  };

  DetectBatcher(Options options, BatchFn run);
  DetectBatcher(const DetectBatcher&) = delete;
  DetectBatcher& operator=(const DetectBatcher&) = delete;

  // Blocks until `image` was detected in some batch. Thread-safe.
  Result<std::vector<Detection>> Detect(const cv::Mat& image);

  // Callers whose image is not yet in a running batch (tests wait on it).
  size_t waiting() const;
  uint64_t batches_run() const { return batches_.load(); }
  uint64_t images_run() const { return images_.load(); }

 private:
  struct Waiter {
    const cv::Mat* image = nullptr;
    bool lead = false;                                     // guarded by mu_
    bool done = false;                                     // guarded by mu_
    std::optional<Result<std::vector<Detection>>> result;  // guarded by mu_
    std::condition_variable cv;
  };

  // Constant after construction.
  const Options options_;
  const BatchFn run_;

  mutable std::mutex mu_;
  std::condition_variable gather_cv_;
  std::deque<Waiter*> pending_;  // guarded by mu_; front is the gatherer while gathering_
  bool gathering_ = false;       // guarded by mu_; invariant: !gathering_ ⇒ pending_ empty
  int inflight_ = 0;             // guarded by mu_; batches running
  std::atomic<uint64_t> batches_{0}, images_{0};
};

}  // namespace kanjian::vision
