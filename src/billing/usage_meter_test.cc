#include "billing/usage_meter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include "billing/billing.h"
#include "billing/test_util.h"
#include "common/error_codes.h"

namespace kanjian::billing {
namespace {

// Forwards to a real store, slowly, and can be told to fail: makes group
// commit observable. Wrapping Write/Read covers every convenience method.
class SlowStore : public store::Store {
 public:
  explicit SlowStore(store::Store& inner) : inner_(inner) {}
  Status Write(const std::function<Status(store::Txn&)>& body) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    if (fail) return Status(errc::kInternalError, "disk full");
    return inner_.Write(body);
  }
  Status Read(const std::function<Status(store::Txn&)>& body) override { return inner_.Read(body); }
  std::atomic<bool> fail{false};

 private:
  store::Store& inner_;
};

// 2023-03-01T00:00:00+08:00.
constexpr UnixMicros kT0 = 1'677'600'000'000'000;
constexpr UnixMicros kDay = 86'400'000'000;

class UsageMeterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.store().CreateAccount({"acc-1", "shop", store::AccountStatus::kActive, kT0 - kDay,
                                           kT0 - kDay, ""},
                                          {"AKID1", "acc-1", "x", true, kT0 - kDay}).ok());
  }
  size_t StoredRecords() { return db_.store().ListUsage("acc-1", kT0, kT0 + kDay)->size(); }

  testing::TempSqlite db_;
  SlowStore slow_{db_.store()};
  FakeClock clock_{kT0};
  BillingService billing_{slow_, clock_};
};

TEST_F(UsageMeterTest, ConcurrentRecordsAreAllDurableInFewerBatches) {
  UsageMeter meter(billing_);
  constexpr int kThreads = 8, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Status s = meter.Record({"req-" + std::to_string(t) + "-" + std::to_string(i), "acc-1",
                                 "DetectPet", kT0 + t * 1000 + i});
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(StoredRecords(), size_t{kThreads * kEach});
  EXPECT_LT(meter.batches_written(), uint64_t{kThreads * kEach});
}

TEST_F(UsageMeterTest, AFailedWriteFailsEveryRecordInItsBatchAndStoresNone) {
  UsageMeter meter(billing_);
  slow_.fail = true;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      if (!meter.Record({"r" + std::to_string(t), "acc-1", "DetectPet", kT0 + t}).ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 4);
  EXPECT_EQ(StoredRecords(), 0u);
  slow_.fail = false;
  EXPECT_TRUE(meter.Record({"r9", "acc-1", "DetectPet", kT0 + 9}).ok());
  EXPECT_EQ(StoredRecords(), 1u);
}

}  // namespace
}  // namespace kanjian::billing
