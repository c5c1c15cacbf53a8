// Golden billing scenarios (Kill Bill's end-to-end invoice tests, Lago's
// golden suite): a fake clock walks months forward over a real SQLite
// store and every scenario asserts exact bill lines and balances. The
// figures come from docs/billing.md; the three worked examples of §6 reproduce
// exactly. Every scenario ends with BillingService::Audit finding nothing.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "billing/accounts.h"
#include "billing/billing.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::billing {
namespace {

constexpr int kShanghai = 8 * 3600;

class GoldenTest : public ::testing::Test {
 protected:
  void TearDown() override {
    auto report = billing_.Audit();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    std::string problems;
    for (const auto& p : report->problems) problems += "\n  " + p;
    EXPECT_TRUE(report->problems.empty()) << "audit:" << problems;
  }

  static UnixMicros At(std::string_view iso) {
    auto t = ParseIso8601(iso, kShanghai);
    EXPECT_TRUE(t.ok()) << iso;
    return t.ok() ? *t : 0;
  }
  void SetNow(std::string_view iso) { clock_.Set(At(iso)); }

  // A new account whose service is activated at `activated_at` (the clock
  // is left there).
  std::string Account(const std::string& name, std::string_view activated_at) {
    SetNow(activated_at);
    auto created = accounts_.Create(name);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return "";
    auto activated = accounts_.Activate(created->account_id);
    EXPECT_TRUE(activated.ok()) << activated.status().ToString();
    return created->account_id;
  }
  std::string InactiveAccount(const std::string& name) {
    auto created = accounts_.Create(name);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->account_id : "";
  }

  // `quantity` billed calls of `action` at `at` (one record, attributed in order).
  void Calls(const std::string& account, const std::string& action, int64_t quantity,
             std::string_view at) {
    BilledCall call{"req-" + std::to_string(++request_seq_), account, action, At(at), quantity};
    Status s = billing_.RecordCalls(std::span<const BilledCall>(&call, 1));
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  void Recharge(const std::string& account, std::string_view yuan,
                const std::string& source = "cash") {
    auto fen = ParseYuan(yuan);
    ASSERT_TRUE(fen.ok());
    auto b = billing_.Recharge(account, *fen, source, "");
    ASSERT_TRUE(b.ok()) << b.status().ToString();
  }

  Purchase Buy(const std::string& account, int64_t calls, const std::string& voucher = "",
               const std::string& promotion = "") {
    auto p = billing_.BuyPack(account, "RecognizeCarPro", calls, voucher, promotion, "");
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? *p : Purchase{};
  }

  // Settles `month` on the 1st of the next month, 01:00 Shanghai (or now, if later).
  int64_t Settle(std::string_view month) {
    auto m = ParseMonth(month);
    EXPECT_TRUE(m.ok());
    const UnixMicros due = MonthEnd(*m, kShanghai) + 3'600'000'000;
    if (clock_.NowMicros() < due) clock_.Set(due);
    auto created = billing_.RunBills(*m);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : -1;
  }

  BillView Bill(const std::string& account, std::string_view month) {
    auto m = ParseMonth(month);
    EXPECT_TRUE(m.ok());
    auto bill = billing_.ShowBill(account, *m);
    EXPECT_TRUE(bill.ok()) << bill.status().ToString();
    return bill.ok() ? *bill : BillView{};
  }

  // Bill lines as golden strings: "RecognizeCarPro 9000 tier1 @75.00 = 675.00".
  static std::vector<std::string> Lines(const BillView& bill) {
    std::vector<std::string> out;
    for (const auto& l : bill.lines)
      out.push_back(l.action + " " + std::to_string(l.quantity) + " tier" + std::to_string(l.tier) +
                    " @" + FormatPriceE4(l.unit_price_e4) + " = " + FormatYuan(l.amount_fen));
    return out;
  }

  Balance BalanceOf(const std::string& account) {
    auto view = billing_.ViewAccount(account);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? view->balance : Balance{};
  }
  std::string StatusOf(const std::string& account) {
    auto view = billing_.ViewAccount(account);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? std::string(ToString(view->status)) : "";
  }
  // "cash/income/gift" in yuan.
  std::string Funds(const std::string& account) {
    Balance b = BalanceOf(account);
    return FormatYuan(b.cash) + "/" + FormatYuan(b.income) + "/" + FormatYuan(b.gift);
  }

  // "total/free/pack/postpaid" of one action in one month.
  std::string Usage(const std::string& account, std::string_view month, const std::string& action) {
    auto m = ParseMonth(month);
    EXPECT_TRUE(m.ok());
    auto usage = billing_.UsageForMonth(account, *m);
    EXPECT_TRUE(usage.ok()) << usage.status().ToString();
    if (!usage.ok()) return "";
    for (const auto& u : *usage) {
      if (u.action == action)
        return std::to_string(u.total) + "/" + std::to_string(u.free) + "/" +
               std::to_string(u.pack) + "/" + std::to_string(u.postpaid);
    }
    return "absent";
  }

  std::vector<store::Pack> Packs(const std::string& account) {
    auto packs = billing_.ListPacks(account);
    EXPECT_TRUE(packs.ok()) << packs.status().ToString();
    return packs.ok() ? *packs : std::vector<store::Pack>{};
  }
  store::Pack PackById(const std::string& account, const std::string& id) {
    for (const auto& p : Packs(account)) {
      if (p.id == id) return p;
    }
    ADD_FAILURE() << "no pack " << id;
    return {};
  }
  // Free quotas by group of the packs issued in `month`.
  std::map<std::string, int64_t> FreeQuotas(const std::string& account, std::string_view month) {
    auto m = ParseMonth(month);
    EXPECT_TRUE(m.ok());
    std::map<std::string, int64_t> out;
    for (const auto& p : Packs(account)) {
      if (p.kind == store::PackKind::kFree && MonthOf(p.created_at, kShanghai) == *m)
        out[p.free_group] = p.calls;
    }
    return out;
  }
  ErrorCode RefundCode(const std::string& pack_id) {
    return billing_.RefundPack(pack_id).status().code();
  }

  testing::TempSqlite db_;
  crypto::SecretBox box_{std::string(32, 'g')};
  FakeClock clock_{At("2022-09-01T00:00:00+08:00")};
  AccountService accounts_{db_.store(), box_, clock_};
  BillingService billing_{db_.store(), clock_};
  int request_seq_ = 0;
};

// ---- §6 worked examples ----

TEST_F(GoldenTest, WorkedExample1_TenThousandCarProCallsCost675) {
  const auto a = Account("ex1", "2022-11-01T09:00:00+08:00");
  Recharge(a, "1000");
  Calls(a, "RecognizeCarPro", 10000, "2022-11-15T12:00:00+08:00");
  EXPECT_EQ(Usage(a, "2022-11", "RecognizeCarPro"), "10000/1000/0/9000");
  EXPECT_EQ(Bill(a, "2022-11").status, BillState::kOpen);
  EXPECT_EQ(Settle("2022-11"), 1);
  const BillView bill = Bill(a, "2022-11");
  EXPECT_EQ(bill.status, BillState::kSettled);
  EXPECT_EQ(Lines(bill), (std::vector<std::string>{"RecognizeCarPro 9000 tier1 @75.00 = 675.00"}));
  EXPECT_EQ(FormatYuan(bill.total), "675.00");
  EXPECT_EQ(Funds(a), "325.00/0.00/0.00");
}

TEST_F(GoldenTest, WorkedExample2_PlusTenThousandCarCallsCost702) {
  const auto a = Account("ex2", "2022-11-01T09:00:00+08:00");
  Recharge(a, "1000");
  Calls(a, "RecognizeCarPro", 10000, "2022-11-10T12:00:00+08:00");
  Calls(a, "RecognizeCar", 10000, "2022-11-20T12:00:00+08:00");
  Settle("2022-11");
  const BillView bill = Bill(a, "2022-11");
  EXPECT_EQ(Lines(bill), (std::vector<std::string>{"RecognizeCar 9000 tier1 @3.00 = 27.00",
                                                   "RecognizeCarPro 9000 tier1 @75.00 = 675.00"}));
  EXPECT_EQ(FormatYuan(bill.total), "702.00");
  EXPECT_EQ(Funds(a), "298.00/0.00/0.00");
}

TEST_F(GoldenTest, WorkedExample3_ThreeHundredThousandCallsInPacksCost21000) {
  const auto a = Account("ex3", "2022-11-01T09:00:00+08:00");
  Recharge(a, "21000");
  Fen paid = 0;
  for (int i = 0; i < 3; ++i) {
    Purchase p = Buy(a, 100000);
    EXPECT_EQ(FormatYuan(p.pack.price_fen), "7000.00");
    EXPECT_EQ(FormatYuan(p.paid.cash), "7000.00");
    EXPECT_EQ(p.pack.expires_at, At("2023-11-01T09:00:00+08:00"));
    paid += p.paid.cash;
  }
  EXPECT_EQ(FormatYuan(paid), "21000.00");
  EXPECT_EQ(Funds(a), "0.00/0.00/0.00");
  // The year's 300 000 calls (plus the month's free 1 000) cost nothing more.
  Calls(a, "RecognizeCarPro", 301000, "2022-11-20T12:00:00+08:00");
  EXPECT_EQ(Usage(a, "2022-11", "RecognizeCarPro"), "301000/1000/300000/0");
  Settle("2022-11");
  EXPECT_TRUE(Lines(Bill(a, "2022-11")).empty());
  EXPECT_EQ(FormatYuan(Bill(a, "2022-11").total), "0.00");
  EXPECT_EQ(StatusOf(a), "active");
}

// ---- §3 tier boundaries (tier-reach by the month's cumulative calls) ----

TEST_F(GoldenTest, DetectProductTierBoundaryAtOneMillionCalls) {
  const auto below = Account("below", "2022-11-01T09:00:00+08:00");
  const auto at = Account("at", "2022-11-01T09:00:00+08:00");
  Calls(below, "DetectProduct", 999999, "2022-11-15T12:00:00+08:00");
  Calls(at, "DetectProduct", 1000000, "2022-11-15T12:00:00+08:00");
  Settle("2022-11");
  // 998 999 × 2.5 / 1000 = 2497.4975 → 2497.50 (half-up once per line).
  EXPECT_EQ(Lines(Bill(below, "2022-11")),
            (std::vector<std::string>{"DetectProduct 998999 tier1 @2.50 = 2497.50"}));
  // The whole post-paid quantity at tier 2's price: 999 000 × 2.2 / 1000.
  EXPECT_EQ(Lines(Bill(at, "2022-11")),
            (std::vector<std::string>{"DetectProduct 999000 tier2 @2.20 = 2197.80"}));
  EXPECT_EQ(Funds(below), "-2497.50/0.00/0.00");
  EXPECT_EQ(Funds(at), "-2197.80/0.00/0.00");
}

TEST_F(GoldenTest, DetectPetTierBoundaryAtTenThousandCalls) {
  const auto below = Account("below", "2022-11-01T09:00:00+08:00");
  const auto at = Account("at", "2022-11-01T09:00:00+08:00");
  // Several records: the tier follows the month's cumulative volume.
  Calls(below, "DetectPet", 4999, "2022-11-03T12:00:00+08:00");
  Calls(below, "DetectPet", 5000, "2022-11-23T12:00:00+08:00");
  Calls(at, "DetectPet", 4999, "2022-11-03T12:00:00+08:00");
  Calls(at, "DetectPet", 5000, "2022-11-23T12:00:00+08:00");
  Calls(at, "DetectPet", 1, "2022-11-30T23:59:59+08:00");
  Settle("2022-11");
  EXPECT_EQ(Lines(Bill(below, "2022-11")),
            (std::vector<std::string>{"DetectPet 8999 tier1 @20.00 = 179.98"}));
  EXPECT_EQ(Lines(Bill(at, "2022-11")),
            (std::vector<std::string>{"DetectPet 9000 tier2 @18.00 = 162.00"}));
}

// ---- §2 free packs ----

TEST_F(GoldenTest, CarPoolSharedInOctober2022AndSeparateFromNovember) {
  const auto a = Account("cars", "2022-09-15T10:00:00+08:00");
  Recharge(a, "1000");
  // October's pack is issued on Oct 1 under the old quotas: one 10 000 pool
  // for both car actions, even for calls after the 2022-10-24 change.
  Calls(a, "RecognizeCar", 6000, "2022-10-10T12:00:00+08:00");
  Calls(a, "RecognizeCarPro", 6000, "2022-10-25T12:00:00+08:00");
  EXPECT_EQ(FreeQuotas(a, "2022-10"), (std::map<std::string, int64_t>{{"CAR", 10000},
                                                                      {"DetectChefDress", 1000},
                                                                      {"DetectEnvelope", 1000},
                                                                      {"DetectPet", 1000},
                                                                      {"DetectProduct", 10000},
                                                                      {"DetectProductBeta", 10000},
                                                                      {"DetectSecurity", 1000}}));
  EXPECT_EQ(Usage(a, "2022-10", "RecognizeCar"), "6000/6000/0/0");
  EXPECT_EQ(Usage(a, "2022-10", "RecognizeCarPro"), "6000/4000/0/2000");
  Settle("2022-10");
  EXPECT_EQ(Lines(Bill(a, "2022-10")),
            (std::vector<std::string>{"RecognizeCarPro 2000 tier1 @75.00 = 150.00"}));

  // From November: 1 000 each, separately.
  Calls(a, "RecognizeCar", 6000, "2022-11-10T12:00:00+08:00");
  Calls(a, "RecognizeCarPro", 6000, "2022-11-10T12:00:01+08:00");
  EXPECT_EQ(FreeQuotas(a, "2022-11"), (std::map<std::string, int64_t>{{"DetectChefDress", 1000},
                                                                      {"DetectEnvelope", 1000},
                                                                      {"DetectPet", 1000},
                                                                      {"DetectProduct", 1000},
                                                                      {"DetectProductBeta", 1000},
                                                                      {"DetectSecurity", 1000},
                                                                      {"RecognizeCar", 1000},
                                                                      {"RecognizeCarPro", 1000}}));
  EXPECT_EQ(Usage(a, "2022-11", "RecognizeCar"), "6000/1000/0/5000");
  EXPECT_EQ(Usage(a, "2022-11", "RecognizeCarPro"), "6000/1000/0/5000");
  Settle("2022-11");
  const BillView nov = Bill(a, "2022-11");
  EXPECT_EQ(Lines(nov), (std::vector<std::string>{"RecognizeCar 5000 tier1 @3.00 = 15.00",
                                                  "RecognizeCarPro 5000 tier1 @75.00 = 375.00"}));
  EXPECT_EQ(FormatYuan(nov.total), "390.00");
  EXPECT_EQ(Funds(a), "460.00/0.00/0.00");
}

TEST_F(GoldenTest, MidMonthActivationGetsThePackAtOnceUntilMonthEnd) {
  const auto a = Account("mid", "2022-11-15T10:00:00+08:00");
  int free_packs = 0;
  for (const auto& p : Packs(a)) {
    if (p.kind != store::PackKind::kFree) continue;
    ++free_packs;
    EXPECT_EQ(p.calls, 1000) << p.free_group;
    EXPECT_EQ(p.created_at, At("2022-11-15T10:00:00+08:00")) << p.free_group;
    EXPECT_EQ(p.expires_at, At("2022-12-01T00:00:00+08:00")) << p.free_group;
  }
  EXPECT_EQ(free_packs, 8);
  Calls(a, "DetectPet", 500, "2022-11-30T23:59:59+08:00");
  // November's unused 500 do not carry over: December has its own 1 000.
  Calls(a, "DetectPet", 1001, "2022-12-01T00:00:00+08:00");
  EXPECT_EQ(Usage(a, "2022-11", "DetectPet"), "500/500/0/0");
  EXPECT_EQ(Usage(a, "2022-12", "DetectPet"), "1001/1000/0/1");
  Settle("2022-11");
  Settle("2022-12");
  EXPECT_TRUE(Lines(Bill(a, "2022-11")).empty());
  EXPECT_EQ(Lines(Bill(a, "2022-12")),
            (std::vector<std::string>{"DetectPet 1 tier1 @20.00 = 0.02"}));

  // Activating after the 2022-10-24 change gets the new quotas at once;
  // activating before it keeps the old ones for October.
  const auto early = Account("early", "2022-10-20T10:00:00+08:00");
  const auto late = Account("late", "2022-10-25T10:00:00+08:00");
  EXPECT_EQ(FreeQuotas(early, "2022-10").at("CAR"), 10000);
  EXPECT_EQ(FreeQuotas(late, "2022-10").count("CAR"), 0u);
  EXPECT_EQ(FreeQuotas(late, "2022-10").at("RecognizeCar"), 1000);
  EXPECT_EQ(FreeQuotas(late, "2022-10").at("RecognizeCarPro"), 1000);
}

// ---- §4 prepaid packs ----

TEST_F(GoldenTest, PackExpiresAfterTwelveMonthsAndTheRestIsForfeited) {
  const auto a = Account("expiry", "2022-11-01T09:00:00+08:00");
  Recharge(a, "730");
  SetNow("2022-11-10T10:00:00+08:00");
  const Purchase p = Buy(a, 10000);
  EXPECT_EQ(p.pack.expires_at, At("2023-11-10T10:00:00+08:00"));
  Calls(a, "RecognizeCarPro", 4000, "2022-11-11T12:00:00+08:00");  // free 1 000, pack 3 000
  EXPECT_EQ(PackById(a, p.pack.id).used, 3000);
  Calls(a, "RecognizeCarPro", 1001, "2023-11-10T09:59:59+08:00");  // free 1 000, pack 1
  Calls(a, "RecognizeCarPro", 1, "2023-11-10T10:00:00+08:00");     // expired: post-paid
  SetNow("2023-11-20T00:00:00+08:00");
  const store::Pack after = PackById(a, p.pack.id);
  EXPECT_EQ(after.used, 3001);
  EXPECT_EQ(after.calls, 10000);
  EXPECT_EQ(Usage(a, "2022-11", "RecognizeCarPro"), "4000/1000/3000/0");
  EXPECT_EQ(Usage(a, "2023-11", "RecognizeCarPro"), "1002/1000/1/1");
  Settle("2022-11");
  Settle("2023-11");
  EXPECT_TRUE(Lines(Bill(a, "2022-11")).empty());
  // 1 × 75 / 1000 = 0.075 → 0.08, rounded half-up.
  EXPECT_EQ(Lines(Bill(a, "2023-11")),
            (std::vector<std::string>{"RecognizeCarPro 1 tier1 @75.00 = 0.08"}));
  EXPECT_EQ(Funds(a), "-0.08/0.00/0.00");
}

TEST_F(GoldenTest, PacksAreConsumedEarliestExpiryFirstAfterTheFreePack) {
  const auto a = Account("order", "2022-11-01T09:00:00+08:00");
  Recharge(a, "1460");
  SetNow("2022-11-05T10:00:00+08:00");
  const Purchase first = Buy(a, 10000);
  SetNow("2022-11-06T10:00:00+08:00");
  const Purchase second = Buy(a, 10000);
  auto gift = billing_.GrantPack(a, "RecognizeCarPro", 500, 1, "gift-order");
  ASSERT_TRUE(gift.ok()) << gift.status().ToString();
  EXPECT_EQ(gift->expires_at, At("2022-12-06T10:00:00+08:00"));
  Calls(a, "RecognizeCarPro", 12000, "2022-11-20T12:00:00+08:00");
  EXPECT_EQ(PackById(a, gift->id).used, 500);
  EXPECT_EQ(PackById(a, first.pack.id).used, 10000);
  EXPECT_EQ(PackById(a, second.pack.id).used, 500);
  EXPECT_EQ(Usage(a, "2022-11", "RecognizeCarPro"), "12000/1000/11000/0");
}

// ---- §7 refunds ----

TEST_F(GoldenTest, RefundOnDaySevenInShanghaiButNotOnDayEight) {
  const auto a = Account("window", "2026-10-01T09:00:00+08:00");
  Recharge(a, "1460");
  // 00:30 Shanghai is still the 4th in UTC: the days are Shanghai's.
  SetNow("2026-10-05T00:30:00+08:00");
  const Purchase p1 = Buy(a, 10000);
  const Purchase p2 = Buy(a, 10000);
  EXPECT_EQ(Funds(a), "0.00/0.00/0.00");
  SetNow("2026-10-12T23:59:59+08:00");
  auto refunded = billing_.RefundPack(p1.pack.id);
  ASSERT_TRUE(refunded.ok()) << refunded.status().ToString();
  EXPECT_EQ(FormatYuan(refunded->cash), "730.00");
  SetNow("2026-10-13T00:00:00+08:00");
  EXPECT_EQ(RefundCode(p2.pack.id), errc::kRefundWindowClosed);
  EXPECT_EQ(Funds(a), "730.00/0.00/0.00");
  EXPECT_TRUE(PackById(a, p1.pack.id).refunded_at.has_value());
  EXPECT_FALSE(PackById(a, p2.pack.id).refunded_at.has_value());
}

TEST_F(GoldenTest, RefundAfterOneCallIsPartiallyUsedButTheFreePackGoesFirst) {
  const auto a = Account("used", "2026-10-01T09:00:00+08:00");
  Recharge(a, "730");
  SetNow("2026-10-05T10:00:00+08:00");
  const Purchase p = Buy(a, 10000);
  Calls(a, "RecognizeCarPro", 1000, "2026-10-05T11:00:00+08:00");  // the free pack
  EXPECT_EQ(PackById(a, p.pack.id).used, 0);
  Calls(a, "RecognizeCarPro", 1, "2026-10-05T11:00:01+08:00");  // the first call of the pack
  EXPECT_EQ(PackById(a, p.pack.id).used, 1);
  EXPECT_EQ(RefundCode(p.pack.id), errc::kPackPartiallyUsed);
  EXPECT_EQ(Funds(a), "0.00/0.00/0.00");
}

TEST_F(GoldenTest, RefundReturnsEachSourceButNotTheVoucher) {
  const auto a = Account("sources", "2026-10-01T09:00:00+08:00");
  Recharge(a, "500", "cash");
  Recharge(a, "100", "income");
  Recharge(a, "100", "gift");
  auto voucher = billing_.GrantVoucher(a, 5000, std::nullopt, "");
  ASSERT_TRUE(voucher.ok()) << voucher.status().ToString();
  SetNow("2026-10-05T10:00:00+08:00");
  // Payment order voucher → gift → income → cash.
  const Purchase p = Buy(a, 10000, *voucher);
  EXPECT_EQ(FormatYuan(p.paid.voucher), "50.00");
  EXPECT_EQ(FormatYuan(p.paid.gift), "100.00");
  EXPECT_EQ(FormatYuan(p.paid.income), "100.00");
  EXPECT_EQ(FormatYuan(p.paid.cash), "480.00");
  EXPECT_EQ(Funds(a), "20.00/0.00/0.00");
  SetNow("2026-10-06T10:00:00+08:00");
  auto refunded = billing_.RefundPack(p.pack.id);
  ASSERT_TRUE(refunded.ok()) << refunded.status().ToString();
  EXPECT_EQ(FormatYuan(refunded->cash), "480.00");
  EXPECT_EQ(FormatYuan(refunded->income), "100.00");
  EXPECT_EQ(FormatYuan(refunded->gift), "100.00");
  EXPECT_EQ(FormatYuan(refunded->voucher), "0.00");
  EXPECT_EQ(Funds(a), "500.00/100.00/100.00");
  auto view = billing_.ViewAccount(a);
  ASSERT_TRUE(view.ok());
  ASSERT_EQ(view->vouchers.size(), 1u);
  EXPECT_EQ(FormatYuan(view->vouchers[0].remaining),
            "0.00");  // the platform keeps the voucher share
}

TEST_F(GoldenTest, PromotionPackIsNotRefundable) {
  const auto a = Account("promo", "2026-10-01T09:00:00+08:00");
  Recharge(a, "730");
  SetNow("2026-10-05T10:00:00+08:00");
  const Purchase p = Buy(a, 10000, "", "launch");
  EXPECT_EQ(FormatYuan(p.pack.price_fen), "657.00");  // 10% off
  EXPECT_EQ(FormatYuan(p.paid.cash), "657.00");
  EXPECT_FALSE(p.pack.refundable);
  SetNow("2026-10-06T10:00:00+08:00");
  EXPECT_EQ(RefundCode(p.pack.id), errc::kPromotionNoRefund);
  EXPECT_EQ(Funds(a), "73.00/0.00/0.00");
  EXPECT_EQ(billing_.BuyPack(a, "RecognizeCarPro", 10000, "", "nope", "").status().code(),
            errc::kPromotionNotFound);
}

TEST_F(GoldenTest, ContentReviewDisabledAccountCannotRefund) {
  const auto a = Account("banned", "2026-10-01T09:00:00+08:00");
  const auto b = Account("paused", "2026-10-01T09:00:00+08:00");
  Recharge(a, "730");
  Recharge(b, "730");
  SetNow("2026-10-05T10:00:00+08:00");
  const Purchase pa = Buy(a, 10000);
  const Purchase pb = Buy(b, 10000);
  ASSERT_TRUE(billing_.SetDisabled(a, true, "content-review").ok());
  ASSERT_TRUE(billing_.SetDisabled(b, true, "operator").ok());
  EXPECT_EQ(RefundCode(pa.pack.id), errc::kAccountDisabledForContent);
  EXPECT_EQ(Funds(a), "0.00/0.00/0.00");
  EXPECT_EQ(StatusOf(a), "disabled");
  EXPECT_EQ(billing_.CheckServiceable(a).code(), errc::kStopUsing);
  // Only content-review violations forbid refunds.
  EXPECT_EQ(RefundCode(pb.pack.id), ErrorCode::kOk);
  EXPECT_EQ(Funds(b), "730.00/0.00/0.00");
}

TEST_F(GoldenTest, RefundLimitPerCalendarYearInShanghai) {
  const auto a = Account("serial", "2026-12-01T09:00:00+08:00");
  Recharge(a, "2920");
  SetNow("2026-12-30T10:00:00+08:00");
  std::vector<Purchase> packs;
  for (int i = 0; i < 4; ++i) packs.push_back(Buy(a, 10000));
  EXPECT_EQ(RefundCode(packs[0].pack.id), ErrorCode::kOk);
  EXPECT_EQ(RefundCode(packs[1].pack.id), ErrorCode::kOk);
  EXPECT_EQ(RefundCode(packs[2].pack.id), ErrorCode::kOk);
  EXPECT_EQ(RefundCode(packs[3].pack.id), errc::kRefundLimitExceeded);
  SetNow("2026-12-31T23:59:59+08:00");
  EXPECT_EQ(RefundCode(packs[3].pack.id), errc::kRefundLimitExceeded);
  // A new year begins at midnight Shanghai time (16:00 UTC on Dec 31).
  SetNow("2027-01-01T00:00:00+08:00");
  EXPECT_EQ(RefundCode(packs[3].pack.id), ErrorCode::kOk);
  EXPECT_EQ(Funds(a), "2920.00/0.00/0.00");
}

TEST_F(GoldenTest, GiftAndFreePacksAreNotPurchased) {
  const auto a = Account("gifted", "2026-10-01T09:00:00+08:00");
  auto gift = billing_.GrantPack(a, "RecognizeCarPro", 5000, 12, "gift-1");
  ASSERT_TRUE(gift.ok()) << gift.status().ToString();
  EXPECT_EQ(gift->kind, store::PackKind::kGift);
  EXPECT_EQ(RefundCode(gift->id), errc::kPackNotPurchased);
  int free_packs = 0;
  for (const auto& p : Packs(a)) {
    if (p.kind != store::PackKind::kFree) continue;
    ++free_packs;
    EXPECT_EQ(RefundCode(p.id), errc::kPackNotPurchased) << p.id;
  }
  EXPECT_EQ(free_packs, 8);
  // Gift packs pay after the free pack, before post-paid.
  Calls(a, "RecognizeCarPro", 6001, "2026-10-02T10:00:00+08:00");
  EXPECT_EQ(Usage(a, "2026-10", "RecognizeCarPro"), "6001/1000/5000/1");
  EXPECT_EQ(Funds(a), "0.00/0.00/0.00");
}

TEST_F(GoldenTest, SecondRefundIsAlreadyRefunded) {
  const auto a = Account("twice", "2026-10-01T09:00:00+08:00");
  Recharge(a, "730");
  SetNow("2026-10-05T10:00:00+08:00");
  const Purchase p = Buy(a, 10000);
  EXPECT_EQ(RefundCode(p.pack.id), ErrorCode::kOk);
  EXPECT_EQ(RefundCode(p.pack.id), errc::kAlreadyRefunded);
  EXPECT_EQ(Funds(a), "730.00/0.00/0.00");
  // A refunded pack pays for nothing.
  Calls(a, "RecognizeCarPro", 1001, "2026-10-05T11:00:00+08:00");
  EXPECT_EQ(Usage(a, "2026-10", "RecognizeCarPro"), "1001/1000/0/1");
}

// ---- §5 settlement ----

TEST_F(GoldenTest, SettlementRunTwiceChangesNothing) {
  const auto a = Account("one", "2022-11-01T09:00:00+08:00");
  const auto b = Account("two", "2022-11-01T09:00:00+08:00");
  Recharge(a, "100", "gift");
  Recharge(a, "100", "income");
  Recharge(a, "100", "cash");
  Calls(a, "RecognizeCarPro", 4000, "2022-11-10T12:00:00+08:00");  // 3 000 × 0.075 = 225
  Calls(b, "DetectEnvelope", 2000, "2022-11-10T12:00:00+08:00");   // 1 000 × 0.007 = 7
  EXPECT_EQ(billing_.RunBills(Month{2022, 11}).status().code(), errc::kMonthNotEnded);
  EXPECT_EQ(Settle("2022-11"), 2);
  auto before = billing_.Audit();
  ASSERT_TRUE(before.ok());
  // Settlement pays gift → income → cash.
  EXPECT_EQ(Funds(a), "75.00/0.00/0.00");
  EXPECT_EQ(Funds(b), "-7.00/0.00/0.00");
  clock_.Advance(86'400'000'000);
  EXPECT_EQ(Settle("2022-11"), 0);
  EXPECT_EQ(Funds(a), "75.00/0.00/0.00");
  EXPECT_EQ(Funds(b), "-7.00/0.00/0.00");
  auto after = billing_.Audit();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->ledger_txns, before->ledger_txns);
  EXPECT_EQ(Lines(Bill(a, "2022-11")),
            (std::vector<std::string>{"RecognizeCarPro 3000 tier1 @75.00 = 225.00"}));
  EXPECT_EQ(Lines(Bill(b, "2022-11")),
            (std::vector<std::string>{"DetectEnvelope 1000 tier1 @7.00 = 7.00"}));
}

TEST_F(GoldenTest, MonthBoundaryIsMidnightShanghai) {
  const auto a = Account("boundary", "2026-10-01T09:00:00+08:00");
  Calls(a, "DetectPet", 1000, "2026-10-15T12:00:00+08:00");
  Calls(a, "DetectPet", 1, "2026-10-31T23:59:59+08:00");
  Calls(a, "DetectPet", 1, "2026-11-01T00:00:00+08:00");
  EXPECT_EQ(Usage(a, "2026-10", "DetectPet"), "1001/1000/0/1");
  EXPECT_EQ(Usage(a, "2026-11", "DetectPet"), "1/1/0/0");
  SetNow("2026-10-31T23:59:59+08:00");
  EXPECT_EQ(billing_.RunBills(Month{2026, 10}).status().code(), errc::kMonthNotEnded);
  SetNow("2026-11-01T00:00:00+08:00");
  auto created = billing_.RunBills(Month{2026, 10});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(*created, 1);
  EXPECT_EQ(Lines(Bill(a, "2026-10")),
            (std::vector<std::string>{"DetectPet 1 tier1 @20.00 = 0.02"}));
  Settle("2026-11");
  EXPECT_TRUE(Lines(Bill(a, "2026-11")).empty());
}

TEST_F(GoldenTest, ArrearsSuspendAndARechargeResumesAtOnce) {
  const auto a = Account("debtor", "2026-11-01T09:00:00+08:00");
  Calls(a, "DetectPet", 2000, "2026-11-10T12:00:00+08:00");  // 1 000 × 0.02 = 20.00
  EXPECT_TRUE(billing_.CheckServiceable(a).ok());
  Settle("2026-11");
  EXPECT_EQ(Funds(a), "-20.00/0.00/0.00");
  EXPECT_EQ(StatusOf(a), "arrears");
  EXPECT_EQ(billing_.CheckServiceable(a).code(), errc::kInArrears);
  Recharge(a, "19.99");
  EXPECT_EQ(billing_.CheckServiceable(a).code(), errc::kInArrears);
  Recharge(a, "0.01");
  EXPECT_TRUE(billing_.CheckServiceable(a).ok());
  EXPECT_EQ(StatusOf(a), "active");
  EXPECT_EQ(Funds(a), "0.00/0.00/0.00");
  // Other states.
  const auto idle = InactiveAccount("idle");
  EXPECT_EQ(billing_.CheckServiceable(idle).code(), errc::kNotActivated);
  EXPECT_EQ(StatusOf(idle), "inactive");
}

// ---- idempotency keys ----

TEST_F(GoldenTest, RetriedRechargeAndPurchaseMoveMoneyOnce) {
  const auto a = Account("retry", "2026-10-01T09:00:00+08:00");
  auto first = billing_.Recharge(a, 100000, "cash", "rc-1");
  auto again = billing_.Recharge(a, 100000, "cash", "rc-1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(FormatYuan(first->cash), "1000.00");
  EXPECT_EQ(FormatYuan(again->cash), "1000.00");
  EXPECT_EQ(billing_.Recharge(a, 200000, "cash", "rc-1").status().code(),
            errc::kIdempotencyKeyReused);
  EXPECT_EQ(billing_.Recharge(a, 100000, "gift", "rc-1").status().code(),
            errc::kIdempotencyKeyReused);
  EXPECT_EQ(Funds(a), "1000.00/0.00/0.00");

  auto bought = billing_.BuyPack(a, "RecognizeCarPro", 10000, "", "", "buy-1");
  auto rebought = billing_.BuyPack(a, "RecognizeCarPro", 10000, "", "", "buy-1");
  ASSERT_TRUE(bought.ok()) << bought.status().ToString();
  ASSERT_TRUE(rebought.ok()) << rebought.status().ToString();
  EXPECT_EQ(rebought->pack.id, bought->pack.id);
  EXPECT_EQ(rebought->paid.cash, bought->paid.cash);
  EXPECT_EQ(FormatYuan(rebought->paid.cash), "730.00");
  EXPECT_EQ(billing_.BuyPack(a, "RecognizeCarPro", 100000, "", "", "buy-1").status().code(),
            errc::kIdempotencyKeyReused);
  EXPECT_EQ(billing_.BuyPack(a, "RecognizeCarPro", 10000, "", "", "rc-1").status().code(),
            errc::kIdempotencyKeyReused);
  EXPECT_EQ(Funds(a), "270.00/0.00/0.00");
  int purchased = 0;
  for (const auto& p : Packs(a)) purchased += p.kind == store::PackKind::kPurchased;
  EXPECT_EQ(purchased, 1);

  auto v1 = billing_.GrantVoucher(a, 1000, std::nullopt, "v-1");
  auto v2 = billing_.GrantVoucher(a, 1000, std::nullopt, "v-1");
  ASSERT_TRUE(v1.ok() && v2.ok());
  EXPECT_EQ(*v1, *v2);
  EXPECT_EQ(billing_.ViewAccount(a)->vouchers.size(), 1u);
}

TEST_F(GoldenTest, RetriedCallBatchIsCountedOnce) {
  // A client (or the usage meter) that saw an error after the commit sends
  // the same calls again: the request ids are their idempotency keys.
  const auto a = Account("resend", "2026-10-01T09:00:00+08:00");
  Recharge(a, "730");
  const Purchase p = Buy(a, 10000);
  const std::vector<BilledCall> batch = {
      {"req-pet", a, "DetectPet", At("2026-10-02T10:00:00+08:00"), 600},
      {"req-car", a, "RecognizeCarPro", At("2026-10-02T10:00:00+08:00"), 1500},
      {"req-one", a, "RecognizeCarPro", At("2026-10-02T10:00:01+08:00"), 1}};
  ASSERT_TRUE(billing_.RecordCalls(batch).ok());
  ASSERT_TRUE(billing_.RecordCalls(batch).ok());
  EXPECT_EQ(Usage(a, "2026-10", "DetectPet"), "600/600/0/0");
  EXPECT_EQ(Usage(a, "2026-10", "RecognizeCarPro"), "1501/1000/501/0");
  EXPECT_EQ(PackById(a, p.pack.id).used, 501);
  for (const auto& pack : Packs(a)) {
    if (pack.kind == store::PackKind::kFree && pack.free_group == "DetectPet") {
      EXPECT_EQ(pack.used, 600);
    }
  }
}

// ---- §2 catalog changes with 30 days' notice ----

TEST_F(GoldenTest, LoweringAFreeQuotaNeedsThirtyDaysNotice) {
  const auto a = Account("notified", "2026-09-15T09:00:00+08:00");
  SetNow("2026-10-01T09:00:00+08:00");
  const auto idle = InactiveAccount("idle");
  SetNow("2026-10-01T10:00:00+08:00");
  nlohmann::json doc = Catalog::Bundled().versions().back().document;
  doc["version"] = "2026-10-31";
  for (auto& g : doc["free_groups"]) {
    if (g["name"] == "DetectPet") g["quota"] = 500;
  }
  doc["effective_from"] = "2026-10-31T09:59:59+08:00";  // 1 s short of 30 days
  EXPECT_EQ(billing_.PublishCatalog(doc).status().code(), errc::kNoticePeriodTooShort);
  EXPECT_TRUE(billing_.Notices(a)->empty());
  doc["effective_from"] = "2026-10-31T10:00:00+08:00";  // exactly 30 days
  auto published = billing_.PublishCatalog(doc);
  ASSERT_TRUE(published.ok()) << published.status().ToString();
  EXPECT_EQ(*published, std::vector<std::string>{"2026-10-31"});
  auto notices = billing_.Notices(a);
  ASSERT_TRUE(notices.ok());
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_NE((*notices)[0].message.find("DetectPet"), std::string::npos) << (*notices)[0].message;
  EXPECT_TRUE(billing_.Notices(idle)->empty());

  // October's pack keeps the quota in force on Oct 1; November's is lowered.
  EXPECT_EQ(FreeQuotas(a, "2026-10").at("DetectPet"), 1000);
  Calls(a, "DetectPet", 600, "2026-11-02T10:00:00+08:00");
  EXPECT_EQ(FreeQuotas(a, "2026-11").at("DetectPet"), 500);
  EXPECT_EQ(Usage(a, "2026-11", "DetectPet"), "600/500/0/100");
  Settle("2026-11");
  EXPECT_EQ(Lines(Bill(a, "2026-11")),
            (std::vector<std::string>{"DetectPet 100 tier1 @20.00 = 2.00"}));
}

}  // namespace
}  // namespace kanjian::billing
