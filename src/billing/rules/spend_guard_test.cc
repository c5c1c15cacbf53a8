// The spend guard's rule as a table (attribution_spend_guard_test.cc: the
// guard inside attribution).
#include "billing/rules/spend_guard.h"

#include <gtest/gtest.h>

namespace kanjian::billing {
namespace {

TEST(SpendGuardRule, Table) {
  struct Row {
    std::optional<Fen> budget;
    Fen before, after;
    bool admits;
  } rows[] = {
      {std::nullopt, 0, 1'000'000, true},  // no budget: never refused
      {1000, 0, 2, true},
      {1000, 998, 1000, true},    // reaching the budget exactly is allowed
      {1000, 999, 1001, false},   // passing it is not
      {1000, 1000, 1000, false},  // at the cap: refused even if it adds no whole fen
      {1000, 1200, 1202, false},  // budget lowered below the spend
      {0, 0, 0, false},           // budget 0: no post-paid call at all
      {1000, 500, 400, true},     // a volume tier reached lowers the month's amount
  };
  for (const Row& r : rows)
    EXPECT_EQ(SpendGuardAdmits(r.budget, r.before, r.after), r.admits)
        << (r.budget ? *r.budget : -1) << " " << r.before << " " << r.after;
}

TEST(SpendGuardRule, AlertThresholds) {
  struct Row {
    Fen budget, spent;
    int percent;
  } rows[] = {{1000, 0, 0},    {1000, 499, 0},  {1000, 500, 50},   {1000, 799, 50},
              {1000, 800, 80}, {1000, 999, 80}, {1000, 1000, 100}, {1000, 5000, 100},
              {0, 0, 100},     {3, 2, 50},      {3, 3, 100}};
  for (const Row& r : rows)
    EXPECT_EQ(SpendAlertPercent(r.budget, r.spent), r.percent) << r.budget << " " << r.spent;
}

TEST(SpendGuardRule, PostpaidAmountIsTheBillsPrice) {
  const Catalog catalog = Catalog::Bundled();
  const CatalogVersion& v = catalog.versions().front();
  EXPECT_EQ(PostpaidAmount(v, "DetectPet", {1001, 1}), 2);  // 20 元 per 1000 calls
  EXPECT_EQ(PostpaidAmount(v, "DetectPet", {1000, 0}), 0);
  EXPECT_EQ(PostpaidAmount(v, "RecognizeCarPro", {10'002, 2}), 15);  // 7.5 fen each
}

}  // namespace
}  // namespace kanjian::billing
