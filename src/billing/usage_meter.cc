#include "billing/usage_meter.h"

#include <vector>

namespace kanjian::billing {

Status UsageMeter::Record(BilledCall record) {
  Waiter self{std::move(record)};
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&self);
  self.cv.wait(lock, [&] { return self.done || queue_.front() == &self; });
  if (self.done) return self.status;

  // This thread leads: write itself and the waiters queued behind it.
  std::vector<BilledCall> batch;
  std::vector<Waiter*> members;
  for (Waiter* w : queue_) {
    if (members.size() == batch_max_) break;
    batch.push_back(w->record);
    members.push_back(w);
  }
  lock.unlock();
  std::vector<Status> refusals;                            // the spend guard's, per call
  Status status = billing_.RecordCalls(batch, &refusals);  // one transaction, one fsync
  lock.lock();
  ++batches_;
  for (size_t i = 0; i < members.size(); ++i) {
    Waiter* w = members[i];
    queue_.pop_front();
    w->status = status.ok() && i < refusals.size() ? refusals[i] : status;
    w->done = true;
    if (w != &self) w->cv.notify_one();
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next writer
  return self.status;
}

uint64_t UsageMeter::batches_written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return batches_;
}

size_t UsageMeter::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

}  // namespace kanjian::billing
