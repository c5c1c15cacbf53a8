#include "billing/usage_meter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "billing/billing.h"
#include "common/error_codes.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::billing {
namespace {

// Forwards to a real store; can be told to fail, and closed: while closed,
// a Write blocks until Open(), so the test decides by events (how many
// records wait behind it) what a batch holds. Wrapping Write/Read covers
// every convenience method.
class GatedStore : public store::Store {
 public:
  explicit GatedStore(store::Store& inner) : inner_(inner) {}
  Status Write(const std::function<Status(store::Txn&)>& body) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++writes_started_;
      cv_.wait(lock, [&] { return open_; });
    }
    if (fail) return Status(errc::kInternalError, "disk full");
    return inner_.Write(body);
  }
  Status Read(const std::function<Status(store::Txn&)>& body) override { return inner_.Read(body); }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int writes_started() {
    std::lock_guard<std::mutex> lock(mu_);
    return writes_started_;
  }
  std::atomic<bool> fail{false};

 private:
  store::Store& inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;        // guarded by mu_
  int writes_started_ = 0;  // guarded by mu_
};

// Polls `done` until it holds; false after 30 s (a watchdog against a hang,
// not a timing assertion).
bool WaitUntil(const std::function<bool()>& done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// 2023-03-01T00:00:00+08:00.
constexpr UnixMicros kT0 = 1'677'600'000'000'000;

class UsageMeterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.store()
                    .CreateAccount({"acc-1", "shop", store::AccountStatus::kActive,
                                    kT0 - kMicrosPerDay, kT0 - kMicrosPerDay, ""},
                                   {"AKID1", "acc-1", "x", true, kT0 - kMicrosPerDay})
                    .ok());
  }
  size_t StoredRecords() {
    return db_.store().ListUsage("acc-1", kT0, kT0 + kMicrosPerDay)->size();
  }

  testing::TempSqlite db_;
  GatedStore store_{db_.store()};
  FakeClock clock_{kT0};
  BillingService billing_{store_, clock_};
};

// While one record is being written, the records of the other threads queue
// behind it and go into the next transaction together.
TEST_F(UsageMeterTest, ConcurrentRecordsAreAllDurableInFewerBatches) {
  UsageMeter meter(billing_);
  constexpr int kThreads = 8, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  auto record_all = [&](int t) {
    for (int i = 0; i < kEach; ++i) {
      Status s = meter.Record({"req-" + std::to_string(t) + "-" + std::to_string(i), "acc-1",
                               "DetectPet", kT0 + t * 1000 + i});
      if (!s.ok()) ++failures;
    }
  };
  store_.Close();
  threads.emplace_back(record_all, 0);
  EXPECT_TRUE(WaitUntil([&] { return store_.writes_started() == 1; }));  // thread 0 writes alone
  for (int t = 1; t < kThreads; ++t) threads.emplace_back(record_all, t);
  EXPECT_TRUE(WaitUntil([&] { return meter.waiting() == size_t{kThreads}; }));  // 7 queue behind
  store_.Open();
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(StoredRecords(), size_t{kThreads * kEach});
  // The 7 queued records shared one transaction, at least.
  EXPECT_LE(meter.batches_written(), uint64_t{kThreads * kEach - (kThreads - 2)});
}

TEST_F(UsageMeterTest, AFailedWriteFailsEveryRecordInItsBatchAndStoresNone) {
  UsageMeter meter(billing_);
  store_.fail = true;
  store_.Close();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  auto record = [&](int t) {
    if (!meter.Record({"r" + std::to_string(t), "acc-1", "DetectPet", kT0 + t}).ok()) ++failures;
  };
  threads.emplace_back(record, 0);
  EXPECT_TRUE(WaitUntil([&] { return store_.writes_started() == 1; }));
  for (int t = 1; t < 4; ++t) threads.emplace_back(record, t);
  EXPECT_TRUE(WaitUntil([&] { return meter.waiting() == 4u; }));
  store_.Open();
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 4);
  EXPECT_EQ(meter.batches_written(), 2u);  // r0 alone, then r1..r3 together: all failed
  EXPECT_EQ(StoredRecords(), 0u);
  store_.fail = false;
  EXPECT_TRUE(meter.Record({"r9", "acc-1", "DetectPet", kT0 + 9}).ok());
  EXPECT_EQ(StoredRecords(), 1u);
}

}  // namespace
}  // namespace kanjian::billing
