// The tenants' read model over a real SQLite store and a fake clock: the
// figures it shows are the engine's (bill, payment split, refund verdicts),
// and another account's pack is not found.
#include "billing/views/tenant_view.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "billing/accounts.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::billing {
namespace {

constexpr int kBeijing = 8 * 3600;

class TenantViewTest : public ::testing::Test {
 protected:
  static UnixMicros At(std::string_view iso) { return *ParseIso8601(iso, kBeijing); }
  std::string NewAccount(const std::string& name) {
    auto created = accounts_.Create(name);
    EXPECT_TRUE(created.ok());
    EXPECT_TRUE(accounts_.Activate(created->account_id).ok());
    return created->account_id;
  }
  void Calls(const std::string& account, const std::string& action, int64_t n,
             std::string_view at) {
    BilledCall call{"req-" + std::to_string(++seq_), account, action, At(at), n};
    ASSERT_TRUE(billing_.RecordCalls(std::span<const BilledCall>(&call, 1)).ok());
  }

  testing::TempSqlite db_;
  FakeClock clock_{At("2026-10-01T09:00:00+08:00")};
  crypto::SecretBox box_{std::string(32, 'm')};
  AccountService accounts_{db_.store(), box_, clock_};
  BillingService billing_{db_.store(), clock_};
  TenantView view_{billing_};
  int seq_ = 0;
};

TEST_F(TenantViewTest, BillPaymentSplitDailyUsageAndFreePacks) {
  const std::string a = NewAccount("shop");
  ASSERT_TRUE(billing_.Recharge(a, 10000, "gift", "").ok());  // 100.00 gift
  ASSERT_TRUE(billing_.Recharge(a, 50000, "cash", "").ok());  // 500.00 cash
  Calls(a, "DetectPet", 600, "2026-10-02T10:00:00+08:00");
  Calls(a, "DetectPet", 1400, "2026-10-03T23:30:00+08:00");  // 400 past the 1000 free
  Calls(a, "RecognizeCarPro", 1500, "2026-10-03T01:00:00+08:00");

  auto daily = view_.Daily(a, *view_.DayStart("2026-10-02"), 3);
  ASSERT_TRUE(daily.ok());
  ASSERT_EQ(daily->size(), 3u);
  EXPECT_EQ((*daily)[0].day, "2026-10-02");
  EXPECT_EQ((*daily)[0].free, 600);
  EXPECT_EQ((*daily)[1].day, "2026-10-03");
  EXPECT_EQ((*daily)[1].action, "DetectPet");
  EXPECT_EQ((*daily)[1].free, 400);
  EXPECT_EQ((*daily)[1].postpaid, 1000);
  EXPECT_EQ((*daily)[2].action, "RecognizeCarPro");
  EXPECT_EQ((*daily)[2].postpaid, 500);

  auto free = view_.FreePacks(a, {2026, 10});
  ASSERT_TRUE(free.ok());
  for (const auto& f : *free) {
    if (f.group == "DetectPet") {
      EXPECT_EQ(f.used, 1000);
    }
    if (f.group == "DetectProduct") {
      EXPECT_EQ(f.used, 0);
    }
    EXPECT_EQ(f.quota, 1000);
  }

  auto open = view_.Bill(a, {2026, 10});
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->bill.status, BillState::kOpen);
  EXPECT_EQ(open->paid.cash + open->paid.gift, 0);

  clock_.Set(At("2026-11-01T01:00:00+08:00"));
  ASSERT_TRUE(billing_.RunBills({2026, 10}).ok());
  auto settled = view_.Bill(a, {2026, 10});
  ASSERT_TRUE(settled.ok());
  // DetectPet 1000 × 0.50/1000 + RecognizeCarPro 500 × 75/1000 = 0.50 + 37.50.
  auto shown = billing_.ShowBill(a, {2026, 10});
  EXPECT_EQ(settled->bill.total, shown->total);
  EXPECT_EQ(settled->paid.gift + settled->paid.income + settled->paid.cash, shown->total);
  EXPECT_EQ(settled->paid.gift, std::min<Fen>(10000, shown->total));
}

TEST_F(TenantViewTest, RefundVerdictNamesTheRuleAndOtherTenantsPacksAreNotFound) {
  const std::string a = NewAccount("a");
  const std::string b = NewAccount("b");
  ASSERT_TRUE(billing_.Recharge(a, 200000, "cash", "").ok());
  auto bought = view_.BuyPack(a, "RecognizeCarPro", 10000, "", "k1");
  ASSERT_TRUE(bought.ok()) << bought.status().ToString();
  auto again =
      view_.BuyPack(a, "RecognizeCarPro", 10000, "", "k1");  // a retry, not a second charge
  EXPECT_EQ(again->pack.id, bought->pack.id);

  auto packs = view_.Packs(a);
  ASSERT_TRUE(packs.ok());
  ASSERT_EQ(packs->size(), 1u);
  EXPECT_TRUE((*packs)[0].refund.ok());
  EXPECT_EQ((*packs)[0].refund_until, At("2026-10-09T00:00:00+08:00"));

  EXPECT_EQ(view_.RefundPack(b, bought->pack.id).status().code(), errc::kNotFound);
  EXPECT_TRUE(view_.Packs(b)->empty());

  clock_.Set(At("2026-10-09T00:00:00+08:00"));  // day 8
  packs = view_.Packs(a);
  EXPECT_EQ((*packs)[0].refund.code(), errc::kRefundWindowClosed);
  EXPECT_EQ(view_.RefundPack(a, bought->pack.id).status().code(), errc::kRefundWindowClosed);
}

// Counts the write transactions asked of a store.
class WriteCountingStore final : public store::Store {
 public:
  explicit WriteCountingStore(store::Store& inner) : inner_(inner) {}
  Status Write(const std::function<Status(store::Txn&)>& body) override {
    ++writes;
    return inner_.Write(body);
  }
  Status Read(const std::function<Status(store::Txn&)>& body) override { return inner_.Read(body); }
  int writes = 0;

 private:
  store::Store& inner_;
};

// Viewing packs and notices writes only to issue a month's free packs: the
// month's first look does, every later one is a read (a console polling
// notices never queues behind billed calls for the write lock).
TEST(TenantViewWritesTest, ViewsWriteOnlyToIssueTheMonthsFreePacks) {
  testing::TempSqlite db;
  FakeClock clock{*ParseIso8601("2026-10-01T09:00:00+08:00", kBeijing)};
  WriteCountingStore counted(db.store());
  crypto::SecretBox box{std::string(32, 'm')};
  AccountService accounts{counted, box, clock};
  BillingService billing{counted, clock};
  TenantView view{billing};
  auto created = accounts.Create("shop");
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(accounts.Activate(created->account_id).ok());
  const std::string a = created->account_id;

  clock.Set(*ParseIso8601("2026-11-03T09:00:00+08:00", kBeijing));  // November's packs not issued
  int before = counted.writes;
  auto notices = view.Notices(a);
  ASSERT_TRUE(notices.ok()) << notices.status().ToString();
  EXPECT_EQ(counted.writes - before, 1);  // November's free packs
  auto issued = billing.ListPacks(a);
  ASSERT_TRUE(issued.ok());
  before = counted.writes;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(view.Notices(a).ok());
    auto packs = billing.ListPacks(a);
    ASSERT_TRUE(packs.ok());
    EXPECT_EQ(packs->size(), issued->size());
  }
  EXPECT_EQ(counted.writes - before, 0);
  const auto november = std::count_if(issued->begin(), issued->end(), [&](const store::Pack& p) {
    return p.kind == store::PackKind::kFree &&
           p.created_at >= *ParseIso8601("2026-11-01T00:00:00+08:00", kBeijing);
  });
  EXPECT_GT(november, 0);
}

}  // namespace
}  // namespace kanjian::billing
