// The settlement scheduler on a FakeClock over real SQLite: which month it
// settles is decided by the billing time zone (Asia/Shanghai in the bundled
// catalog), and it settles each month once per process. The test waits for
// the scheduler's passes (an event), never for time.
#include "server/jobs/settlement_scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "billing/accounts.h"
#include "common/crypto.h"
#include "common/iso8601.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::server {
namespace {

constexpr int kShanghai = 8 * 3600;

UnixMicros At(std::string_view iso) {
  auto t = ParseIso8601(iso, kShanghai);
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? *t : 0;
}

class SettlementSchedulerTest : public ::testing::Test {
 protected:
  // An account activated at `at` (on the accounts' own clock, so the
  // scheduler's clock never moves back).
  std::string ActivatedAccount(const std::string& name, std::string_view at) {
    accounts_clock_.Set(At(at));
    auto created = accounts_.Create(name);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return "";
    EXPECT_TRUE(accounts_.Activate(created->account_id).ok());
    return created->account_id;
  }
  std::string BillStatus(const std::string& account, int year, int month) {
    auto bill = billing_.ShowBill(account, billing::Month{year, month});
    EXPECT_TRUE(bill.ok()) << bill.status().ToString();
    return bill.ok() ? std::string(billing::ToString(bill->status)) : "";
  }
  // Waits until the scheduler has made `n` more passes, each of which began
  // after this call: anything set before it has been seen.
  static void WaitPasses(const SettlementScheduler& scheduler, uint64_t n = 2) {
    const uint64_t target = scheduler.passes() + n;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (scheduler.passes() < target) {
      ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the scheduler stopped making passes";
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  testing::TempSqlite db_;
  FakeClock clock_{At("2026-10-15T12:00:00+08:00")};
  FakeClock accounts_clock_{At("2026-09-01T00:00:00+08:00")};
  crypto::SecretBox box_{std::string(32, 'k')};
  billing::AccountService accounts_{db_.store(), box_, accounts_clock_};
  billing::BillingService billing_{db_.store(), clock_};
};

TEST_F(SettlementSchedulerTest, SettlesThePreviousShanghaiMonthOnceAtItsBoundary) {
  const std::string early = ActivatedAccount("early", "2026-09-10T09:00:00+08:00");
  ASSERT_FALSE(early.empty());
  SettlementScheduler scheduler(billing_, std::chrono::milliseconds(1));

  // Mid-October: September is settled at the first pass, October is running.
  WaitPasses(scheduler, 1);
  EXPECT_EQ(BillStatus(early, 2026, 9), "settled");
  EXPECT_EQ(BillStatus(early, 2026, 10), "open");

  // An account activated in September after that pass: a second settlement
  // of September would bill it. The scheduler settles a month once.
  const std::string late = ActivatedAccount("late", "2026-09-20T09:00:00+08:00");
  WaitPasses(scheduler);
  EXPECT_EQ(BillStatus(late, 2026, 9), "unsettled");

  // One second before midnight in Shanghai: October has not ended.
  clock_.Set(At("2026-10-31T23:59:59+08:00"));
  WaitPasses(scheduler);
  EXPECT_EQ(BillStatus(early, 2026, 10), "open");

  // Midnight in Shanghai, 16:00 UTC on 31 October: October is settled,
  // though in UTC it has eight hours to run.
  clock_.Set(At("2026-11-01T00:00:00+08:00"));
  ASSERT_EQ(clock_.NowMicros(), At("2026-10-31T16:00:00Z"));
  WaitPasses(scheduler);
  EXPECT_EQ(BillStatus(early, 2026, 10), "settled");
  EXPECT_EQ(BillStatus(late, 2026, 10), "settled");
  EXPECT_EQ(BillStatus(late, 2026, 9), "unsettled");

  // The test is not vacuous: settling September again would bill `late`.
  auto created = billing_.RunBills(billing::Month{2026, 9});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(*created, 1);
}

// What /metrics shows of it: after each pass the ended month is settled,
// so nothing is overdue, and the audit of a consistent ledger finds no
// problem.
TEST_F(SettlementSchedulerTest, ExportsOverdueSettlementAndTheAuditOutcome) {
  const std::string account = ActivatedAccount("someone", "2026-09-10T09:00:00+08:00");
  ASSERT_FALSE(account.empty());
  SettlementScheduler scheduler(billing_, std::chrono::milliseconds(1));
  WaitPasses(scheduler, 1);
  EXPECT_EQ(scheduler.overdue_s(), 0);
  EXPECT_EQ(scheduler.audit_problems(), 0);
  EXPECT_EQ(scheduler.settlement_failures(), 0u);
  EXPECT_EQ(scheduler.audit_failures(), 0u);

  clock_.Set(At("2026-11-02T12:00:00+08:00"));
  WaitPasses(scheduler);
  EXPECT_EQ(BillStatus(account, 2026, 10), "settled");
  EXPECT_EQ(scheduler.overdue_s(), 0);
}

}  // namespace
}  // namespace kanjian::server
