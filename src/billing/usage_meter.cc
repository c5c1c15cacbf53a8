#include "billing/usage_meter.h"

#include <vector>

namespace kanjian::billing {

Status UsageMeter::Record(BilledCall record) {
  auto self = std::make_shared<Waiter>(std::move(record));
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(self);
  self->cv.wait(lock, [&] { return self->done || queue_.front() == self; });
  if (self->done) return self->status;

  // This thread leads: write itself and the waiters queued behind it.
  std::vector<BilledCall> batch;
  std::vector<std::shared_ptr<Waiter>> members;
  for (const auto& w : queue_) {
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
    queue_.pop_front();
    members[i]->status = status.ok() && i < refusals.size() ? refusals[i] : status;
    members[i]->done = true;
  }
  std::shared_ptr<Waiter> next = queue_.empty() ? nullptr : queue_.front();
  lock.unlock();
  // Woken outside the lock (each waiter's state is shared, so a member that
  // returns early frees nothing we still signal): woken members no longer
  // queue for a mutex the writer holds. The next writer first, so it
  // gathers its batch while this one's members wake.
  if (next) next->cv.notify_one();
  for (const auto& w : members) {
    if (w != self) w->cv.notify_one();
  }
  return self->status;
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
