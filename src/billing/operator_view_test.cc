// OperatorView::Figures: the platform's revenue books and what accounts in
// arrears owe, as /metrics exports them (server/settlement_scheduler.h).
#include <gtest/gtest.h>

#include <vector>

#include "billing/accounts.h"
#include "billing/operator_view.h"
#include "billing/test_util.h"
#include "common/crypto.h"
#include "common/iso8601.h"

namespace kanjian::billing {
namespace {

TEST(OperatorViewFigures, RevenueBooksAndWhatAccountsInArrearsOwe) {
  testing::TempSqlite db;
  crypto::SecretBox box{std::string(32, 'k')};
  FakeClock clock{*ParseIso8601("2026-10-05T10:00:00+08:00", 0)};
  AccountService accounts{db.store(), box, clock};
  BillingService billing{db.store(), clock};
  auto make = [&](const std::string& name) {
    auto created = accounts.Create(name);
    EXPECT_TRUE(created.ok());
    EXPECT_TRUE(accounts.Activate(created->account_id).ok());
    return created->account_id;
  };
  const std::string buyer = make("buyer"), debtor = make("debtor");
  ASSERT_TRUE(billing.Recharge(buyer, 80000, "cash", "").ok());
  ASSERT_TRUE(billing.BuyPack(buyer, "RecognizeCarPro", 10000, "", "", "").ok());  // 730.00
  ASSERT_TRUE(billing
                  .RecordCalls(std::vector<BilledCall>{
                      {"req-1", debtor, "DetectPet", clock.NowMicros(), 2000}})
                  .ok());
  OperatorView view(billing);
  auto before = view.Figures();
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->revenue_pack, 73000);
  EXPECT_EQ(before->revenue_postpaid, 0);
  EXPECT_EQ(before->accounts_in_arrears, 0);
  EXPECT_EQ(before->owed, 0);

  // October settled: the debtor's 1 000 calls past the free pack cost
  // 20.00 and nothing pays them; the bundled catalog grants no grace days.
  clock.Set(*ParseIso8601("2026-11-01T02:00:00+08:00", 0));
  ASSERT_TRUE(billing.RunBills(Month{2026, 10}).ok());
  clock.Set(*ParseIso8601("2026-11-03T02:00:00+08:00", 0));
  auto after = view.Figures();
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->revenue_pack, 73000);
  EXPECT_EQ(after->revenue_postpaid, 2000);
  EXPECT_EQ(after->accounts_in_arrears, 1);
  EXPECT_EQ(after->owed, 2000);
}

}  // namespace
}  // namespace kanjian::billing
