// A fixed set of worker threads for CPU-heavy work (inference), fed by a
// bounded FIFO queue. Full queue: Submit refuses at once (load shedding).
// A task whose deadline passed while it waited is not run: its future holds
// errc::kRequestTimeout. Nor is one whose caller has gone (the thread's
// CancelProbe, common/cancellation.h, captured at Submit): errc::kClientClosedRequest.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/cancellation.h"
#include "common/error_codes.h"
#include "common/status.h"

namespace kanjian::vision {

class InferencePool {
 public:
  using Clock = std::chrono::steady_clock;
  struct Options {
    int workers = 2;
    size_t queue_max = 64;  // tasks waiting, not counting those running
    // Time source for deadline checks; tests may replace it.
    std::function<Clock::time_point()> now = [] { return Clock::now(); };
  };

  explicit InferencePool(Options options);
  // Stops taking work, fails queued tasks with errc::kInternalError, joins.
  ~InferencePool();
  InferencePool(const InferencePool&) = delete;
  InferencePool& operator=(const InferencePool&) = delete;

  // Queues fn to run on a worker before `deadline`. Errors (immediate):
  // errc::kRequestLimitExceeded when the queue is full. The future yields
  // fn's result, errc::kRequestTimeout if the deadline passed before a
  // worker started it, or errc::kInternalError if fn threw.
  template <typename T>
  Result<std::future<Result<T>>> Submit(Clock::time_point deadline, std::function<Result<T>()> fn) {
    auto promise = std::make_shared<std::promise<Result<T>>>();
    std::future<Result<T>> future = promise->get_future();
    Task task;
    task.deadline = deadline;
    task.caller_gone = CurrentCancelProbe();
    task.run = [promise, fn = std::move(fn)](const Status& refusal) {
      if (!refusal.ok()) {
        promise->set_value(refusal);
        return;
      }
      try {
        promise->set_value(fn());
      } catch (const std::exception& e) {
        promise->set_value(Status(errc::kInternalError, std::string("task failed: ") + e.what()));
      } catch (...) {
        promise->set_value(Status(errc::kInternalError, "task failed"));
      }
    };
    RETURN_IF_ERROR(Enqueue(std::move(task)));
    return future;
  }

  // Tasks waiting for a worker.
  size_t queue_depth() const;
  int workers() const { return int(threads_.size()); }

 private:
  struct Task {
    Clock::time_point deadline;
    CancelProbe caller_gone;  // may be empty
    // Called once: with OK to run, or with the reason it will not run.
    std::function<void(const Status&)> run;
  };

  Status Enqueue(Task task);
  void WorkerLoop();

  // Constant after construction.
  const Options options_;
  std::vector<std::thread> threads_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
};

}  // namespace kanjian::vision
