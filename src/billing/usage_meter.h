// Durable metering with group commit. Each call is attributed (free pack →
// packs → post-paid) in the same transaction that records it.
// (leveldb's Write() shape): each caller
// enqueues its record and waits; the first waiter becomes the writer,
// gathers everything queued behind it and appends it in one transaction, so
// N concurrent calls cost one fsync, not N.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "billing/billing.h"

namespace kanjian::billing {

class UsageMeter {
 public:
  explicit UsageMeter(BillingService& billing, size_t batch_max = 512)
      : billing_(billing), batch_max_(batch_max) {}

  // Returns once `call` is attributed and durable (or the write failed, or
  // the spend guard refused it: errc::kSpendGuard, nothing recorded).
  // Thread-safe.
  Status Record(BilledCall call);

  uint64_t batches_written() const;
  // Records not yet durable: the batch being written and those queued behind
  // it (tests wait on it).
  size_t waiting() const;

 private:
  struct Waiter {
    explicit Waiter(BilledCall r) : record(std::move(r)) {}
    BilledCall record;
    Status status = Status::Ok();
    bool done = false;
    // Its own, so a finished batch wakes its members and the next writer
    // only, not every thread waiting (64 threads on 2 cores: ~3x).
    std::condition_variable cv;
  };

  BillingService& billing_;
  const size_t batch_max_;

  mutable std::mutex mu_;
  std::deque<std::shared_ptr<Waiter>> queue_;  // guarded by mu_; front is the current writer
  uint64_t batches_ = 0;                       // guarded by mu_
};

}  // namespace kanjian::billing
