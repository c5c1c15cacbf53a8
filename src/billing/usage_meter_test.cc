#include "billing/usage_meter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "billing/test_util.h"
#include "common/error_codes.h"

namespace kanjian::billing {
namespace {

// Forwards to a real store, slowly, and can be told to fail: makes group
// commit observable.
class SlowStore : public store::Store {
 public:
  explicit SlowStore(store::Store& inner) : inner_(inner) {}
  Status CreateAccount(const store::Account& a, const store::ApiKey& k) override { return inner_.CreateAccount(a, k); }
  Result<store::Account> FindAccount(std::string_view s) override { return inner_.FindAccount(s); }
  Status UpdateAccount(const store::Account& a) override { return inner_.UpdateAccount(a); }
  Status InsertKey(const store::ApiKey& k) override { return inner_.InsertKey(k); }
  Result<store::ApiKey> FindKey(std::string_view s) override { return inner_.FindKey(s); }
  Result<std::vector<store::ApiKey>> ListKeys(std::string_view s) override { return inner_.ListKeys(s); }
  Status SetKeyEnabled(std::string_view s, bool e) override { return inner_.SetKeyEnabled(s, e); }
  Status RotateKey(std::string_view s, const store::ApiKey& k) override { return inner_.RotateKey(s, k); }
  Result<std::vector<store::UsageRecord>> ListUsage(std::string_view a, UnixMicros f, UnixMicros t) override {
    return inner_.ListUsage(a, f, t);
  }
  Status AppendUsage(std::span<const store::UsageRecord> r) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    if (fail) return Status(errc::kInternalError, "disk full");
    return inner_.AppendUsage(r);
  }
  std::atomic<bool> fail{false};

 private:
  store::Store& inner_;
};

class UsageMeterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.store().CreateAccount({"acc-1", "shop", store::AccountStatus::kActive, 0, 0, ""},
                                          {"AKID1", "acc-1", "x", true, 0}).ok());
  }
  testing::TempSqlite db_;
  SlowStore slow_{db_.store()};
};

TEST_F(UsageMeterTest, ConcurrentRecordsAreAllDurableInFewerBatches) {
  UsageMeter meter(slow_);
  constexpr int kThreads = 8, kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Status s = meter.Record({"req-" + std::to_string(t) + "-" + std::to_string(i), "acc-1",
                                 "DetectPet", t * 1000 + i});
        if (!s.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(db_.store().ListUsage("acc-1", 0, 1 << 30)->size(), size_t{kThreads * kEach});
  EXPECT_LT(meter.batches_written(), uint64_t{kThreads * kEach});
}

TEST_F(UsageMeterTest, AFailedWriteFailsEveryRecordInItsBatchAndStoresNone) {
  UsageMeter meter(slow_);
  slow_.fail = true;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      if (!meter.Record({"r" + std::to_string(t), "acc-1", "DetectPet", t}).ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 4);
  EXPECT_EQ(db_.store().ListUsage("acc-1", 0, 1 << 30)->size(), 0u);
  slow_.fail = false;
  EXPECT_TRUE(meter.Record({"r9", "acc-1", "DetectPet", 9}).ok());
}

}  // namespace
}  // namespace kanjian::billing
