// Table tests of bill_rules.h (docs/billing.md §3, §5, §6).
#include "billing/rules/bill_rules.h"

#include <gtest/gtest.h>

#include <limits>

#include "common/error_codes.h"

namespace kanjian::billing {
namespace {

CatalogVersion Version() {
  CatalogVersion v;
  v.tiers["RecognizeCarPro"] = {{0, 750000}, {300'000, 650000}};  // 75 元, 65 元 per 1000
  v.tiers["RecognizeCar"] = {{0, 30000}};                         // 3 元 per 1000
  return v;
}

TEST(BillRulesTest, WorkedExamplesPriceToTheFen) {
  struct Row {
    const char* name;
    std::map<std::string, ActionSums> sums;
    Fen total;
    size_t lines;
  };
  const Row rows[] = {
      {"§6 example 1", {{"RecognizeCarPro", {10'000, 9'000}}}, 67500, 1},
      {"§6 example 2",
       {{"RecognizeCarPro", {10'000, 9'000}}, {"RecognizeCar", {10'000, 9'000}}},
       70200,
       2},
      {"all free", {{"RecognizeCarPro", {1'000, 0}}}, 0, 0},
  };
  for (const Row& row : rows) {
    auto bill = BillFor("acc-1", {2026, 3}, Version(), row.sums, 42);
    ASSERT_TRUE(bill.ok()) << row.name;
    EXPECT_EQ(bill->total_fen, row.total) << row.name;
    EXPECT_EQ(bill->lines.size(), row.lines) << row.name;
    EXPECT_EQ(bill->id, "bill-2026-03-acc-1");
    EXPECT_EQ(bill->status, store::BillStatus::kSettled);
    EXPECT_EQ(bill->created_at, 42);
  }
}

TEST(BillRulesTest, SumsAreOverflowChecked) {
  const Fen max = std::numeric_limits<Fen>::max();
  auto total = BillTotal({{"A", 1, 1, 1, max}, {"B", 1, 1, 1, 1}});
  ASSERT_FALSE(total.ok());
  EXPECT_EQ(total.status().code(), errc::kInternalError);
  ActionSums sums{max, 0};
  EXPECT_FALSE(AddUsage(sums, store::UsageSource::kFree, 1).ok());
  ActionSums fine;
  ASSERT_TRUE(AddUsage(fine, store::UsageSource::kPostpaid, 3).ok());
  ASSERT_TRUE(AddUsage(fine, store::UsageSource::kPack, 2).ok());
  EXPECT_EQ(fine.total, 5);
  EXPECT_EQ(fine.postpaid, 3);
}

}  // namespace
}  // namespace kanjian::billing
