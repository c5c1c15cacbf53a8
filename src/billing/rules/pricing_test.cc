#include "billing/rules/pricing.h"

#include <gtest/gtest.h>

#include "common/iso8601.h"

namespace kanjian::billing {
namespace {

const CatalogVersion& Nov2022() {
  static const Catalog catalog = Catalog::Bundled();
  return catalog.InForceAt(*ParseIso8601("2022-11-01T00:00:00+08:00", 0));
}

Fen Total(const std::vector<PricedLine>& lines) {
  Fen t = 0;
  for (const auto& l : lines) t += l.amount;
  return t;
}

TEST(PricingTest, WorkedExamplesOfBillingMd) {
  // 1. 10 000 RecognizeCarPro calls after 2022-10-24: (10 000 − 1 000) × 0.075 = 675 元.
  Quote one = QuoteMonth(Nov2022(), "RecognizeCarPro", 10000);
  EXPECT_EQ(one.free, 1000);
  EXPECT_EQ(one.total, 67500);
  ASSERT_EQ(one.lines.size(), 1u);
  EXPECT_EQ(one.lines[0].tier, 1);
  EXPECT_EQ(one.lines[0].unit_price, 750000);
  // 2. plus 10 000 RecognizeCar calls: + (10 000 − 1 000) × 0.003 = 702 元 in all.
  EXPECT_EQ(one.total + QuoteMonth(Nov2022(), "RecognizeCar", 10000).total, 70200);
  // 3. three 100 000-call packs: 3 × 7 000 = 21 000 元.
  const PackSku* sku = Nov2022().FindSku("RecognizeCarPro", 100000);
  ASSERT_NE(sku, nullptr);
  EXPECT_EQ(3 * sku->price, 2'100'000);
}

TEST(PricingTest, TierBoundaryLowerBoundIncluded) {
  // DetectProduct: 999 999 calls stay in tier 1 (2.5), 1 000 000 reach tier 2 (2.2) for all.
  auto below = PriceMonth(Nov2022(), "DetectProduct", 999999, 998999);
  auto at = PriceMonth(Nov2022(), "DetectProduct", 1000000, 999000);
  EXPECT_EQ(below[0].tier, 1);
  EXPECT_EQ(below[0].amount, LineAmount(998999, 25000));  // 2497.4975 → 2497.50
  EXPECT_EQ(below[0].amount, 249750);
  EXPECT_EQ(at[0].tier, 2);
  EXPECT_EQ(at[0].amount, 219780);  // 999 000 × 0.0022 = 2197.80
  // DetectPet: 9 999 vs 10 000.
  EXPECT_EQ(PriceMonth(Nov2022(), "DetectPet", 9999, 8999)[0].tier, 1);
  EXPECT_EQ(PriceMonth(Nov2022(), "DetectPet", 10000, 9000)[0].tier, 2);
  EXPECT_EQ(PriceMonth(Nov2022(), "DetectPet", 10000, 9000)[0].amount, 16200);  // 9000 × 0.018
}

TEST(PricingTest, TierBasisPostpaidAndGraduatedMode) {
  CatalogVersion v = Nov2022();
  v.tier_basis = TierBasis::kPostpaidCalls;
  // 10 500 calls of which 9 500 post-paid: the post-paid volume stays in tier 1.
  EXPECT_EQ(PriceMonth(v, "DetectPet", 10500, 9500)[0].tier, 1);
  v.tier_basis = TierBasis::kAllCalls;
  v.tier_mode = TierMode::kGraduated;
  // Calls 1 000..10 499 post-paid: 9 000 at 20 (tier 1), 500 at 18 (tier 2).
  auto lines = PriceMonth(v, "DetectPet", 10500, 9500);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].quantity, 9000);
  EXPECT_EQ(lines[1].quantity, 500);
  EXPECT_EQ(Total(lines), 18000 + 900);
}

TEST(PricingTest, NothingPostpaidMeansNoLine) {
  EXPECT_TRUE(PriceMonth(Nov2022(), "DetectPet", 800, 0).empty());
  EXPECT_EQ(QuoteMonth(Nov2022(), "DetectPet", 1000).total, 0);
}

}  // namespace
}  // namespace kanjian::billing
