// Table tests of the refund rule (refund_policy.h, docs/billing.md §7).
#include "billing/rules/refund_policy.h"

#include <gtest/gtest.h>

#include <optional>

#include <functional>

#include "common/error_codes.h"
#include "common/iso8601.h"
#include "tests/support/beijing_time.h"

namespace kanjian::billing {
namespace {

using testing::T;

RefundCase Refundable() {
  RefundCase c;
  c.pack.id = "pack-1";
  c.pack.kind = store::PackKind::kPurchased;
  c.pack.calls = 10'000;
  c.pack.refundable = true;
  c.pack.created_at = T("2026-03-10T23:59:00+08:00");
  c.now = T("2026-03-12T10:00:00+08:00");
  return c;
}

TEST(RefundPolicyTest, EachRefusalNamesItsRuleInOrder) {
  struct Row {
    const char* name;
    std::function<void(RefundCase&)> change;
    std::optional<ErrorCode> code;  // nullopt = refunded
  };
  const Row rows[] = {
      {"unused, in window", [](RefundCase&) {}, std::nullopt},
      {"free pack", [](RefundCase& c) { c.pack.kind = store::PackKind::kFree; },
       errc::kPackNotPurchased},
      {"gift pack", [](RefundCase& c) { c.pack.kind = store::PackKind::kGift; },
       errc::kPackNotPurchased},
      {"refunded", [](RefundCase& c) { c.pack.refunded_at = c.now; }, errc::kAlreadyRefunded},
      {"content-review", [](RefundCase& c) { c.account_disabled_for_content = true; },
       errc::kAccountDisabledForContent},
      {"one call used", [](RefundCase& c) { c.pack.used = 1; }, errc::kPackPartiallyUsed},
      {"last instant of the 7th day",
       [](RefundCase& c) { c.now = T("2026-03-17T23:59:59.999999+08:00"); }, std::nullopt},
      {"8th day", [](RefundCase& c) { c.now = T("2026-03-18T00:00:00+08:00"); },
       errc::kRefundWindowClosed},
      {"promotion without refund", [](RefundCase& c) { c.pack.refundable = false; },
       errc::kPromotionNoRefund},
      {"2 refunds this year", [](RefundCase& c) { c.refunds_this_year = 2; }, std::nullopt},
      {"3 refunds this year", [](RefundCase& c) { c.refunds_this_year = 3; },
       errc::kRefundLimitExceeded},
      // Order: the first failing rule names the refusal.
      {"used and late",
       [](RefundCase& c) {
         c.pack.used = 5;
         c.now += 30 * kMicrosPerDay;
       },
       errc::kPackPartiallyUsed},
      {"gift and refunded",
       [](RefundCase& c) {
         c.pack.kind = store::PackKind::kGift;
         c.pack.refunded_at = 1;
       },
       errc::kPackNotPurchased},
      {"late and no-refund promotion",
       [](RefundCase& c) {
         c.pack.refundable = false;
         c.now += 30 * kMicrosPerDay;
       },
       errc::kRefundWindowClosed},
  };
  const BillingSettings settings;
  for (const Row& row : rows) {
    RefundCase c = Refundable();
    row.change(c);
    Status s = RefundRefusal(c, settings);
    EXPECT_EQ(s.ok() ? std::nullopt : std::optional<ErrorCode>(s.code()), row.code) << row.name;
  }
}

TEST(RefundPolicyTest, WindowAndMessageFollowTheSetting) {
  BillingSettings settings;
  settings.refund_window_days = 3;
  RefundCase c = Refundable();
  c.now = T("2026-03-14T00:00:00+08:00");  // the 4th day after the 10th
  Status s = RefundRefusal(c, settings);
  EXPECT_EQ(s.code(), errc::kRefundWindowClosed);
  EXPECT_NE(s.message().find("3-day"), std::string::npos) << s.message();
  EXPECT_EQ(RefundWindowEnd(c.pack.created_at, settings), T("2026-03-14T00:00:00+08:00"));
  EXPECT_EQ(RefundReason(settings), "3-day no-reason refund");
}

TEST(RefundPolicyTest, YearIsTheLocalCalendarYear) {
  const BillingSettings settings;
  auto [start, end] = RefundYear(T("2026-01-01T00:30:00+08:00"), settings);
  EXPECT_EQ(start, T("2026-01-01T00:00:00+08:00"));
  EXPECT_EQ(end, T("2027-01-01T00:00:00+08:00"));
}

TEST(RefundPolicyTest, LegsReturnEachSourceButNotTheVoucher) {
  struct Row {
    Payment paid;
    std::vector<store::Posting> legs;
  };
  const Row rows[] = {
      {{700, 200, 100, 50},
       {{"acc-1", "cash", 700},
        {"acc-1", "income", 200},
        {"acc-1", "gift", 100},
        {"platform", "revenue:pack", -1000}}},
      {{0, 0, 300, 0}, {{"acc-1", "gift", 300}, {"platform", "revenue:pack", -300}}},
      {{0, 0, 0, 730}, {}},  // paid by voucher alone: nothing comes back
  };
  for (const Row& row : rows) {
    auto legs = RefundLegs("acc-1", row.paid);
    ASSERT_EQ(legs.size(), row.legs.size());
    for (size_t i = 0; i < legs.size(); ++i) {
      EXPECT_EQ(legs[i].owner, row.legs[i].owner);
      EXPECT_EQ(legs[i].book, row.legs[i].book);
      EXPECT_EQ(legs[i].amount_fen, row.legs[i].amount_fen);
    }
  }
}

}  // namespace
}  // namespace kanjian::billing
