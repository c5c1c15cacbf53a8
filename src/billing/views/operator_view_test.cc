// OperatorView::Figures: the platform's revenue books and what accounts in
// arrears owe, as /metrics exports them (server/jobs/settlement_scheduler.h);
// SettlementRunOf: one month's run as the operator console shows it.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "billing/accounts.h"
#include "billing/views/operator_view.h"
#include "common/crypto.h"
#include "common/iso8601.h"
#include "tests/support/temp_sqlite.h"

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

// A settlement run's bills, and which accounts it took below zero: one that
// could pay is not listed, one already paid up since still is (with its
// state now).
TEST(OperatorViewSettlementRun, BillsAndTheAccountsTheRunTookBelowZero) {
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
  const std::string payer = make("payer"), debtor = make("debtor"), repaid = make("repaid");
  make("idle");  // nothing used: a bill of zero
  ASSERT_TRUE(billing.Recharge(payer, 5000, "cash", "").ok());
  for (const auto& [id, request] :
       {std::pair{payer, "req-1"}, std::pair{debtor, "req-2"}, std::pair{repaid, "req-3"}})
    ASSERT_TRUE(billing
                    .RecordCalls(std::vector<BilledCall>{
                        {request, id, "DetectPet", clock.NowMicros(), 2000}})
                    .ok());
  clock.Set(*ParseIso8601("2026-11-01T02:00:00+08:00", 0));
  ASSERT_TRUE(billing.RunBills(Month{2026, 10}).ok());
  ASSERT_TRUE(billing.Recharge(repaid, 2000, "cash", "").ok());

  OperatorView view(billing);
  auto run = view.SettlementRunOf(Month{2026, 10}, 10);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->month, "2026-10");
  EXPECT_EQ(run->bill_count, 4);  // idle's bill is zero
  EXPECT_EQ(run->total, 6000);
  ASSERT_EQ(run->bills.size(), 4u);
  ASSERT_EQ(run->went_negative.size(), 2u);
  std::vector<SettlementDebtor> owing = run->went_negative;
  std::sort(owing.begin(), owing.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  EXPECT_EQ(owing[0].account_id, debtor);
  EXPECT_EQ(owing[0].before, 0);
  EXPECT_EQ(owing[0].after, -2000);
  EXPECT_EQ(owing[0].status_now, ServiceState::kArrears);
  EXPECT_EQ(owing[1].account_id, repaid);
  EXPECT_EQ(owing[1].after, -2000);
  EXPECT_EQ(owing[1].status_now, ServiceState::kActive);

  auto limited = view.SettlementRunOf(Month{2026, 10}, 1);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->bills.size(), 1u);
  EXPECT_EQ(limited->bill_count, 4);
  auto none = view.SettlementRunOf(Month{2026, 9}, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->bill_count, 0);
  EXPECT_TRUE(none->went_negative.empty());
}

}  // namespace
}  // namespace kanjian::billing
