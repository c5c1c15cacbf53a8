// The spend guard inside attribution (rules/spend_guard_test.cc: the rule as
// a table): exact under racing calls, free and pack calls passing, nothing
// recorded for a refused call.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "billing/accounts.h"
#include "billing/billing.h"
#include "billing/usage_meter.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::billing {
namespace {

class SpendGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = accounts_.Create("shop");
    ASSERT_TRUE(created.ok());
    account_ = created->account_id;
    ASSERT_TRUE(accounts_.Activate(account_).ok());
  }
  void TearDown() override {
    auto report = billing_.Audit();
    ASSERT_TRUE(report.ok());
    for (const auto& p : report->problems) ADD_FAILURE() << "audit: " << p;
  }
  BilledCall Pet(int64_t quantity = 1, bool guarded = true) {
    return {"req-" + std::to_string(++seq_),
            account_,
            "DetectPet",
            clock_.NowMicros(),
            quantity,
            guarded};
  }
  UsageByAction PetUsage() {
    auto usage = billing_.UsageForMonth(account_, MonthOf(clock_.NowMicros(), 8 * 3600));
    EXPECT_TRUE(usage.ok());
    for (const auto& u : *usage) {
      if (u.action == "DetectPet") return u;
    }
    return {};
  }

  testing::TempSqlite db_;
  crypto::SecretBox box_{std::string(32, 'k')};
  FakeClock clock_{*ParseIso8601("2026-10-05T10:00:00+08:00", 0)};
  AccountService accounts_{db_.store(), box_, clock_};
  BillingService billing_{db_.store(), clock_};
  std::string account_;
  int seq_ = 0;
};

TEST_F(SpendGuardTest, RacingCallsStopExactlyAtTheBudgetAndRefusedOnesAreNotRecorded) {
  ASSERT_TRUE(billing_.RecordCalls(std::vector{Pet(1000)}).ok());  // the free pack, used up
  ASSERT_TRUE(billing_.SetSpendBudget(account_, 10).ok());         // 10 fen = 5 post-paid calls
  UsageMeter meter(billing_);
  std::atomic<int> served{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 4; ++i) {
        Status s = meter.Record({"race-" + std::to_string(t) + "-" + std::to_string(i), account_,
                                 "DetectPet", clock_.NowMicros(), 1, true});
        if (s.ok())
          ++served;
        else if (s.code() == errc::kSpendGuard)
          ++refused;
        else
          ++other;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(served.load(), 5);
  EXPECT_EQ(refused.load(), 27);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(PetUsage().postpaid, 5);
  auto guard = billing_.SpendGuard(account_);
  ASSERT_TRUE(guard.ok());
  EXPECT_EQ(guard->spent, 10);
  EXPECT_EQ(guard->alert_percent, 100);
}

TEST_F(SpendGuardTest, PackCallsPassAtTheCapAndImportsAreNotGuarded) {
  ASSERT_TRUE(billing_.RecordCalls(std::vector{Pet(1000)}).ok());
  ASSERT_TRUE(billing_.SetSpendBudget(account_, 0).ok());
  std::vector<Status> refusals;
  ASSERT_TRUE(billing_.RecordCalls(std::vector{Pet()}, &refusals).ok());
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(refusals[0].code(), errc::kSpendGuard);
  EXPECT_EQ(PetUsage().postpaid, 0);

  ASSERT_TRUE(billing_.GrantPack(account_, "DetectPet", 2, 1, "").ok());
  ASSERT_TRUE(billing_.RecordCalls(std::vector{Pet(), Pet(), Pet()}, &refusals).ok());
  EXPECT_TRUE(refusals[0].ok());
  EXPECT_TRUE(refusals[1].ok());
  EXPECT_EQ(refusals[2].code(), errc::kSpendGuard);  // the pack is used up by then
  EXPECT_EQ(PetUsage().pack, 2);

  ASSERT_TRUE(billing_.RecordCalls(std::vector{Pet(3, /*guarded=*/false)}, &refusals).ok());
  EXPECT_TRUE(refusals[0].ok());
  EXPECT_EQ(PetUsage().postpaid, 3);

  ASSERT_TRUE(billing_.SetSpendBudget(account_, std::nullopt).ok());  // off: post-paid again
  ASSERT_TRUE(billing_.RecordCalls(std::vector{Pet()}, &refusals).ok());
  EXPECT_TRUE(refusals[0].ok());
  EXPECT_EQ(PetUsage().postpaid, 4);
  EXPECT_EQ(billing_.SetSpendBudget(account_, -1).code(), errc::kInvalidParameterValue);
}

}  // namespace
}  // namespace kanjian::billing
