// Attribution keeps each account's live packs in memory across batches
// (attribution.cc). These tests change packs behind its back, from this
// process and from a second connection (what the CLI beside a running
// server is), and check that the very next call sees the change. Then
// several connections race to spend the same money at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <thread>

#include "billing/accounts.h"
#include "billing/billing.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::billing {
namespace {

class AttributionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = accounts_.Create("shop");
    ASSERT_TRUE(created.ok());
    account_ = created->account_id;
    ASSERT_TRUE(accounts_.Activate(account_).ok());
    auto other = store::OpenSqliteStore(db_.path());  // a second connection to the same file
    ASSERT_TRUE(other.ok());
    other_store_ = std::move(other).value();
    other_billing_ = std::make_unique<BillingService>(*other_store_, clock_);
  }
  void TearDown() override {
    auto report = billing_.Audit();
    ASSERT_TRUE(report.ok());
    for (const auto& p : report->problems) ADD_FAILURE() << "audit: " << p;
  }

  Status Record(std::vector<BilledCall> calls) { return billing_.RecordCalls(calls); }
  BilledCall Pet(int64_t quantity, const std::string& action = "DetectPet") {
    return {"req-" + std::to_string(++seq_), account_, action, clock_.NowMicros(), quantity};
  }
  UsageByAction PetUsage(const std::string& action = "DetectPet") {
    auto usage = billing_.UsageForMonth(account_, MonthOf(clock_.NowMicros(), 8 * 3600));
    EXPECT_TRUE(usage.ok());
    for (const auto& u : *usage) {
      if (u.action == action) return u;
    }
    return {};
  }
  int64_t FreeQuota(const std::string& action = "DetectPet") {
    auto packs = billing_.ListPacks(account_);
    EXPECT_TRUE(packs.ok());
    for (const auto& p : *packs) {
      if (p.kind == store::PackKind::kFree && p.created_at <= clock_.NowMicros() &&
          clock_.NowMicros() < p.expires_at &&
          std::count(p.actions.begin(), p.actions.end(), action))
        return p.calls;
    }
    return 0;
  }

  testing::TempSqlite db_;
  crypto::SecretBox box_{std::string(32, 'k')};
  FakeClock clock_{*ParseIso8601("2026-10-05T10:00:00+08:00", 0)};
  AccountService accounts_{db_.store(), box_, clock_};
  BillingService billing_{db_.store(), clock_};
  std::unique_ptr<store::Store> other_store_;
  std::unique_ptr<BillingService> other_billing_;
  std::string account_;
  int seq_ = 0;
};

TEST_F(AttributionTest, APackGrantedByAnotherProcessPaysTheNextCall) {
  const int64_t quota = FreeQuota();
  ASSERT_GT(quota, 0);
  ASSERT_TRUE(Record({Pet(quota)}).ok());  // the free pack is used up; packs are now cached
  ASSERT_TRUE(Record({Pet(1)}).ok());
  EXPECT_EQ(PetUsage().postpaid, 1);
  ASSERT_TRUE(other_billing_->GrantPack(account_, "DetectPet", 10, 1, "").ok());
  ASSERT_TRUE(Record({Pet(2)}).ok());
  const UsageByAction u = PetUsage();
  EXPECT_EQ(u.free, quota);
  EXPECT_EQ(u.pack, 2);
  EXPECT_EQ(u.postpaid, 1);
}

TEST_F(AttributionTest, APackRefundedByAnotherProcessNoLongerPays) {
  const std::string car = "RecognizeCarPro";
  ASSERT_TRUE(other_billing_->Recharge(account_, 73000, "cash", "").ok());  // 730.00
  auto bought = other_billing_->BuyPack(account_, car, 10000, "", "", "");
  ASSERT_TRUE(bought.ok()) << bought.status().ToString();
  const int64_t quota = FreeQuota(car);
  ASSERT_GT(quota, 0);
  ASSERT_TRUE(Record({Pet(quota, car)}).ok());  // free pack used up, the bought one cached as live
  ASSERT_TRUE(other_billing_->RefundPack(bought->pack.id).ok());
  ASSERT_TRUE(Record({Pet(3, car)}).ok());
  EXPECT_EQ(PetUsage(car).pack, 0);
  EXPECT_EQ(PetUsage(car).postpaid, 3);
}

TEST_F(AttributionTest, APackGrantedInThisProcessPaysTheNextCall) {
  const int64_t quota = FreeQuota();
  ASSERT_TRUE(Record({Pet(quota + 1)}).ok());
  ASSERT_TRUE(billing_.GrantPack(account_, "DetectPet", 10, 1, "").ok());
  ASSERT_TRUE(Record({Pet(4)}).ok());
  EXPECT_EQ(PetUsage().pack, 4);
  EXPECT_EQ(PetUsage().postpaid, 1);
}

// The per-process counts /metrics exports (kanjian_billed_calls_total)
// agree with the log: a call split across sources counts in each, a
// repeated RequestId not again, another process's calls not here.
TEST_F(AttributionTest, BilledCallsBySourceCountWhatCommitted) {
  const int64_t quota = FreeQuota();
  ASSERT_TRUE(Record({Pet(quota - 1)}).ok());
  ASSERT_TRUE(billing_.GrantPack(account_, "DetectPet", 10, 1, "").ok());
  BilledCall split = Pet(13);  // 1 free, 10 from the pack, 2 post-paid
  ASSERT_TRUE(Record({split, split}).ok());
  ASSERT_TRUE(Record({split}).ok());
  ASSERT_TRUE(other_billing_->RecordCalls(std::vector<BilledCall>{Pet(5)}).ok());
  const std::array<uint64_t, 3> by_source = billing_.BilledCallsBySource();
  EXPECT_EQ(by_source[size_t(store::UsageSource::kFree)], uint64_t(quota));
  EXPECT_EQ(by_source[size_t(store::UsageSource::kPack)], 10u);
  EXPECT_EQ(by_source[size_t(store::UsageSource::kPostpaid)], 2u);
  EXPECT_EQ(PetUsage().postpaid, 2 + 5);
}

// A RequestId seen twice, in one batch or across batches, is one call: its
// quota is taken once, so the pack's `used` agrees with the log (audit).
TEST_F(AttributionTest, ARequestIdRepeatedInABatchOrLaterIsAttributedOnce) {
  BilledCall call = Pet(3);
  ASSERT_TRUE(Record({call, Pet(1), call}).ok());
  ASSERT_TRUE(Record({call}).ok());
  EXPECT_EQ(PetUsage().total, 4);
  EXPECT_EQ(PetUsage().free, 4);
  // Another connection sees what this one committed.
  auto seen = other_billing_->UsageForMonth(account_, MonthOf(clock_.NowMicros(), 8 * 3600));
  ASSERT_TRUE(seen.ok());
  int64_t total = 0;
  for (const auto& u : *seen) total += u.total;
  EXPECT_EQ(total, 4);
}

TEST_F(AttributionTest, CallsOnBothSidesOfAMonthEndDrawOnEachMonthsFreePack) {
  clock_.Set(*ParseIso8601("2026-10-31T23:59:59+08:00", 0));
  const int64_t quota = FreeQuota();
  BilledCall october = Pet(quota);  // October's pack used up
  clock_.Set(*ParseIso8601("2026-11-01T00:00:00+08:00", 0));
  BilledCall november = Pet(2);
  BilledCall october_again = october;
  october_again.request_id = "req-late";
  october_again.quantity = 1;
  ASSERT_TRUE(Record({october, november, october_again}).ok());
  EXPECT_EQ(PetUsage().free, 2);  // November
  auto oct = billing_.UsageForMonth(account_, Month{2026, 10});
  ASSERT_TRUE(oct.ok());
  for (const auto& u : *oct) {
    if (u.action != "DetectPet") continue;
    EXPECT_EQ(u.free, quota);
    EXPECT_EQ(u.postpaid, 1);
  }
}

// Double-spend attempts: N connections (as N CLI processes beside the
// server would be) race for the same money at once. Each write transaction
// takes SQLite's write lock first (BEGIN IMMEDIATE), so exactly one wins and
// every other attempt is refused by name; the ledger moves money once.
class DoubleSpendTest : public AttributionTest {
 protected:
  static constexpr int kRacers = 6;
  // Runs fn(racer's BillingService) on kRacers threads, each with its own
  // connection, released together; returns each one's error code ("" = OK).
  std::vector<ErrorCode> Race(const std::function<Status(BillingService&)>& fn) {
    std::vector<std::unique_ptr<store::Store>> stores;
    std::vector<std::unique_ptr<BillingService>> services;
    for (int i = 0; i < kRacers; ++i) {
      stores.push_back(std::move(store::OpenSqliteStore(db_.path())).value());
      services.push_back(std::make_unique<BillingService>(*stores.back(), clock_));
    }
    std::vector<ErrorCode> codes(kRacers);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < kRacers) std::this_thread::yield();
        codes[i] = fn(*services[i]).code();
      });
    }
    for (auto& t : threads) t.join();
    return codes;
  }
  static int Count(const std::vector<ErrorCode>& codes, ErrorCode code) {
    return static_cast<int>(std::count(codes.begin(), codes.end(), code));
  }
};

TEST_F(DoubleSpendTest, OneBalanceBuysOnePackHoweverManyTryAtOnce) {
  ASSERT_TRUE(billing_.Recharge(account_, 73000, "cash", "").ok());  // one 10 000-call pack
  auto codes = Race([&](BillingService& b) {
    return b.BuyPack(account_, "RecognizeCarPro", 10000, "", "", "").status();
  });
  EXPECT_EQ(Count(codes, ErrorCode::kOk), 1);
  EXPECT_EQ(Count(codes, errc::kInsufficientBalance), kRacers - 1);
  auto view = billing_.ViewAccount(account_);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->balance.cash, 0);
}

TEST_F(DoubleSpendTest, OneVoucherPaysOnce) {
  auto voucher = billing_.GrantVoucher(account_, 73000, std::nullopt, "");
  ASSERT_TRUE(voucher.ok());
  auto codes = Race([&](BillingService& b) {
    return b.BuyPack(account_, "RecognizeCarPro", 10000, *voucher, "", "").status();
  });
  EXPECT_EQ(Count(codes, ErrorCode::kOk), 1);
  // A spent voucher pays nothing and there is no cash behind it.
  EXPECT_EQ(Count(codes, errc::kInsufficientBalance), kRacers - 1);
  auto packs = billing_.ListPacks(account_);
  ASSERT_TRUE(packs.ok());
  EXPECT_EQ(std::count_if(packs->begin(), packs->end(),
                          [](auto& p) { return p.kind == store::PackKind::kPurchased; }),
            1);
}

TEST_F(DoubleSpendTest, APackIsRefundedOnce) {
  ASSERT_TRUE(billing_.Recharge(account_, 73000, "cash", "").ok());
  auto bought = billing_.BuyPack(account_, "RecognizeCarPro", 10000, "", "", "");
  ASSERT_TRUE(bought.ok());
  auto codes = Race([&](BillingService& b) { return b.RefundPack(bought->pack.id).status(); });
  EXPECT_EQ(Count(codes, ErrorCode::kOk), 1);
  EXPECT_EQ(Count(codes, errc::kAlreadyRefunded), kRacers - 1);
  auto view = billing_.ViewAccount(account_);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->balance.cash, 73000);  // back once, not six times
}

}  // namespace
}  // namespace kanjian::billing
