#include "billing/rules/money.h"

#include <gtest/gtest.h>

#include <limits>

namespace kanjian::billing {
namespace {

TEST(MoneyTest, FormatsYuanWithTwoDecimals) {
  EXPECT_EQ(FormatYuan(67500), "675.00");
  EXPECT_EQ(FormatYuan(5), "0.05");
  EXPECT_EQ(FormatYuan(-150), "-1.50");
  EXPECT_EQ(FormatYuan(0), "0.00");
  EXPECT_EQ(FormatYuan(std::numeric_limits<int64_t>::min()), "-92233720368547758.08");
}

TEST(MoneyTest, ParsesYuanStrictly) {
  EXPECT_EQ(*ParseYuan("675"), 67500);
  EXPECT_EQ(*ParseYuan("675.5"), 67550);
  EXPECT_EQ(*ParseYuan("0.01"), 1);
  EXPECT_EQ(*ParseYuan("-3"), -300);
  for (const char* bad :
       {"", "-", "1.234", "1.", ".5x", "abc", "1e3", "1,000", "99999999999999999999"})
    EXPECT_FALSE(ParseYuan(bad).ok()) << bad;
}

TEST(MoneyTest, PricesKeepFourDecimals) {
  EXPECT_EQ(*ParsePriceE4("2.5"), 25000);
  EXPECT_EQ(*ParsePriceE4("75"), 750000);
  EXPECT_EQ(*ParsePriceE4("0.0125"), 125);
  EXPECT_FALSE(ParsePriceE4("0.00001").ok());
  EXPECT_FALSE(ParsePriceE4("-1").ok());
  EXPECT_EQ(FormatPriceE4(25000), "2.50");
  EXPECT_EQ(FormatPriceE4(125), "0.0125");
  EXPECT_EQ(FormatPriceE4(750000), "75.00");
}

// fuzz/money_fuzz.cc found "92237230367758" accepted as a price; a month of
// a million calls at it wrapped to a negative bill line.
TEST(MoneyTest, PricesAboveTheMaximumAreRefused) {
  EXPECT_EQ(*ParsePriceE4("1000000"), kMaxPriceE4);
  EXPECT_FALSE(ParsePriceE4("1000000.0001").ok());
  auto huge = ParsePriceE4("92237230367758");
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), errc::kInvalidParameterValue);
  EXPECT_EQ(LineAmount(1'000'000, kMaxPriceE4), 100'000'000'000);  // 10^9 元 in fen, exact
}

TEST(MoneyTest, LineAmountIsExactThenHalfUp) {
  EXPECT_EQ(LineAmount(9000, 750000), 67500);  // docs/billing.md example 1: 675.00
  EXPECT_EQ(LineAmount(9000, 30000), 2700);    // example 2's second line: 27.00
  EXPECT_EQ(LineAmount(1, 25000), 0);          // 0.0025 元 → 0.00
  EXPECT_EQ(LineAmount(2, 25000), 1);          // 0.005 元 → half up → 0.01
  EXPECT_EQ(LineAmount(3, 25000), 1);          // 0.0075 → 0.01
  EXPECT_EQ(LineAmount(0, 750000), 0);
  // No overflow for absurd volumes: 10^12 calls at 75 元/千次 = 7.5e10 元.
  EXPECT_EQ(LineAmount(1'000'000'000'000, 750000), 7'500'000'000'000);
}

TEST(MoneyTest, OneHalfUpRoundingForLinesAndPromotions) {
  struct Row {
    __int128 numerator;
    int64_t denominator;
    Fen expected;
  };
  const Row rows[] = {{0, 100, 0},   {49, 100, 0},         {50, 100, 1},        {149, 100, 1},
                      {150, 100, 2}, {49'999, 100'000, 0}, {50'000, 100'000, 1}};
  for (const Row& row : rows) EXPECT_EQ(DivideHalfUp(row.numerator, row.denominator), row.expected);
  EXPECT_EQ(DiscountedPrice(73000, 10), 65700);
  EXPECT_EQ(DiscountedPrice(101, 50), 51);  // 50.5 fen → 51
  EXPECT_EQ(DiscountedPrice(std::numeric_limits<Fen>::max(), 0), std::numeric_limits<Fen>::max());
}

TEST(MoneyTest, CheckedAddDetectsOverflow) {
  int64_t out;
  EXPECT_TRUE(CheckedAdd(1, 2, &out));
  EXPECT_EQ(out, 3);
  EXPECT_FALSE(CheckedAdd(std::numeric_limits<int64_t>::max(), 1, &out));
  Fen sum = std::numeric_limits<Fen>::max();
  EXPECT_FALSE(AddChecked(1, &sum, "a test sum").ok());
}

}  // namespace
}  // namespace kanjian::billing
