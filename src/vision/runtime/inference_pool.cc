#include "vision/runtime/inference_pool.h"

#include <algorithm>
#include <utility>

namespace kanjian::vision {

InferencePool::InferencePool(Options options) : options_(std::move(options)) {
  int n = std::max(1, options_.workers);
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

InferencePool::~InferencePool() {
  std::deque<Task> abandoned;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    abandoned.swap(queue_);
  }
  cv_.notify_all();
  for (Task& t : abandoned) t.run(Status(errc::kInternalError, "server is shutting down"));
  for (std::thread& t : threads_) t.join();
}

size_t InferencePool::queue_depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

Status InferencePool::Enqueue(Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return Status(errc::kInternalError, "server is shutting down");
    if (queue_.size() >= options_.queue_max) {
      return Status(errc::kRequestLimitExceeded, "server busy");
    }
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return Status::Ok();
}

void InferencePool::WorkerLoop() {
  while (true) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    if (options_.now() >= task.deadline) {
      task.run(Status(errc::kRequestTimeout, "request timed out waiting for a worker"));
    } else if (task.caller_gone && task.caller_gone()) {
      task.run(
          Status(errc::kClientClosedRequest, "the client closed the connection before inference"));
    } else {
      task.run(Status::Ok());
    }
  }
}

}  // namespace kanjian::vision
