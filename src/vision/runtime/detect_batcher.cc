#include "vision/runtime/detect_batcher.h"

#include <algorithm>
#include <chrono>

#include "common/error_codes.h"

namespace kanjian::vision {

DetectBatcher::DetectBatcher(Options options, BatchFn run)
    : options_{std::max(1, options.batch_max), std::max(0, options.window_ms),
               std::max(1, options.max_inflight)},
      run_(std::move(run)) {}

Result<std::vector<Detection>> DetectBatcher::Detect(const cv::Mat& image) {
  Waiter self;
  self.image = &image;
  std::unique_lock<std::mutex> lock(mu_);
  pending_.push_back(&self);
  if (!gathering_) {
    gathering_ = true;
    self.lead = true;
  } else if (pending_.size() >= size_t(options_.batch_max)) {
    gather_cv_.notify_all();
  }
  self.cv.wait(lock, [&] { return self.done || self.lead; });
  if (self.done) return std::move(*self.result);

  // Gatherer: self is pending_.front(). Only gatherers take slots, so once one
  // is free it stays free while the window runs.
  gather_cv_.wait(lock, [&] { return inflight_ < options_.max_inflight; });
  if (options_.window_ms > 0) {
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.window_ms);
    gather_cv_.wait_until(lock, until,
                          [&] { return pending_.size() >= size_t(options_.batch_max); });
  }
  const size_t free_slots = size_t(options_.max_inflight - inflight_);
  const size_t n =
      std::min((pending_.size() + free_slots - 1) / free_slots, size_t(options_.batch_max));
  ++inflight_;
  const auto end = pending_.begin() + static_cast<std::ptrdiff_t>(n);
  std::vector<Waiter*> batch(pending_.begin(), end);
  pending_.erase(pending_.begin(), end);
  if (pending_.empty()) {
    gathering_ = false;
  } else {  // the next in line gathers the next batch while this one runs
    pending_.front()->lead = true;
    pending_.front()->cv.notify_one();
  }
  lock.unlock();

  std::vector<cv::Mat> images;
  images.reserve(n);
  for (Waiter* w : batch) images.push_back(*w->image);
  std::optional<Result<std::vector<std::vector<Detection>>>> out;
  try {
    out.emplace(run_(images));
  } catch (const std::exception& e) {
    out.emplace(Status(errc::kInternalError, std::string("batched detection failed: ") + e.what()));
  }
  if (out->ok() && out->value().size() != n)
    out.emplace(
        Status(errc::kInternalError, "batched detection returned the wrong number of results"));
  batches_.fetch_add(1);
  images_.fetch_add(n);

  lock.lock();
  --inflight_;
  gather_cv_.notify_all();
  for (size_t i = 0; i < n; ++i) {
    Waiter* w = batch[i];
    if (out->ok())
      w->result.emplace(std::move(out->value()[i]));
    else
      w->result.emplace(out->status());
    w->done = true;
    if (w != &self) w->cv.notify_one();
  }
  return std::move(*self.result);
}

size_t DetectBatcher::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

}  // namespace kanjian::vision
