#include "vision/recognizers/vehicle_plate.h"

#include <gtest/gtest.h>

namespace kanjian::vision {
namespace {

TEST(PlateGrammar, OrdinaryPlateWithDotAndSpaces) {
  auto p = ParsePlate("京A·8B 123");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->plate, "京A8B123");
  EXPECT_EQ(p->kind, PlateKind::kOrdinary);
}

TEST(PlateGrammar, NewEnergySmallAndLarge) {
  auto small = ParsePlate("粤B·D12345");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->plate, "粤BD12345");
  EXPECT_EQ(small->kind, PlateKind::kNewEnergy);
  auto large = ParsePlate("沪A12345F");
  ASSERT_TRUE(large);
  EXPECT_EQ(large->kind, PlateKind::kNewEnergy);
  EXPECT_FALSE(ParsePlate("沪A123456")) << "8 characters without D/F is no plate";
}

TEST(PlateGrammar, SpecialTails) {
  auto p = ParsePlate("粤Z1234港");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->kind, PlateKind::kSpecial);
  EXPECT_TRUE(ParsePlate("京A1234学"));
}

TEST(PlateGrammar, FixesConfusableCharacters) {
  auto p = ParsePlate("苏0·OI23A");  // 0 in the letter slot, O and I among the digits
  ASSERT_TRUE(p);
  EXPECT_EQ(p->plate, "苏D0123A");
  auto lower = ParsePlate("浙a12b45");
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->plate, "浙A12B45");
}

TEST(PlateGrammar, RejectsNonPlates) {
  EXPECT_FALSE(ParsePlate(""));
  EXPECT_FALSE(ParsePlate("A12345"));      // no province
  EXPECT_FALSE(ParsePlate("京A1234"));     // too short
  EXPECT_FALSE(ParsePlate("京A1234567"));  // too long
  EXPECT_FALSE(ParsePlate("中A12345"));    // not a province
  EXPECT_FALSE(ParsePlate("京A12顺45"));   // Chinese inside
  EXPECT_FALSE(ParsePlate("SF EXPRESS"));
}

TEST(PlateGrammar, TwoRowPlateJoinsTopAndBottomRow) {
  auto p = ParseTwoRowPlate("京A", "12345");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->plate, "京A12345");
  EXPECT_EQ(p->kind, PlateKind::kOrdinary);
  auto trailer = ParseTwoRowPlate("粤·B", "8K36挂");
  ASSERT_TRUE(trailer);
  EXPECT_EQ(trailer->plate, "粤B8K36挂");
  EXPECT_EQ(trailer->kind, PlateKind::kSpecial);
  auto coach = ParseTwoRowPlate("鲁 C", "1234学");
  ASSERT_TRUE(coach);
  EXPECT_EQ(coach->plate, "鲁C1234学");
  auto fixed = ParseTwoRowPlate("苏0", "OI23A");  // 0 in the letter slot, O and I below
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->plate, "苏D0123A");
}

TEST(PlateGrammar, TwoRowPlateRejectsLinesThatAreNoPlate) {
  EXPECT_FALSE(ParseTwoRowPlate("", "12345"));
  EXPECT_FALSE(ParseTwoRowPlate("京A", ""));
  EXPECT_FALSE(ParseTwoRowPlate("京", "A12345")) << "the top row holds province and letter";
  EXPECT_FALSE(ParseTwoRowPlate("京A1", "2345"));
  EXPECT_FALSE(ParseTwoRowPlate("北京", "12345")) << "京 is a province, 北 is not";
  EXPECT_FALSE(ParseTwoRowPlate("京A", "1234"));
  EXPECT_FALSE(ParseTwoRowPlate("京A", "D12345")) << "new-energy plates are single-row";
  EXPECT_FALSE(ParseTwoRowPlate("京A", "1234港")) << "no two-row 港 plates";
  EXPECT_FALSE(ParseTwoRowPlate("京A", "12顺45"));
  EXPECT_FALSE(ParseTwoRowPlate("CAN SOMEONE", "GET ME A TICKET?"));
  EXPECT_FALSE(ParseTwoRowPlate("京A汽修", "电话12345"));
  EXPECT_FALSE(ParseTwoRowPlate("京A12345", "12345")) << "a single-row plate above a line";
}

TEST(PlateGrammar, TwoRowBottomRow) {
  EXPECT_TRUE(IsTwoRowBottom("12345"));
  EXPECT_TRUE(IsTwoRowBottom("8K 36-Z"));
  EXPECT_TRUE(IsTwoRowBottom("1234挂"));
  EXPECT_TRUE(IsTwoRowBottom("C0S7T"));
  EXPECT_TRUE(IsTwoRowBottom("COS7T")) << "O read for 0";
  EXPECT_FALSE(IsTwoRowBottom("1234"));
  EXPECT_FALSE(IsTwoRowBottom("123456"));
  EXPECT_FALSE(IsTwoRowBottom("1234港"));
  EXPECT_FALSE(IsTwoRowBottom("挂1234"));
  EXPECT_FALSE(IsTwoRowBottom("MORM"));
}

TEST(PlateGrammar, TypeText) {
  EXPECT_EQ(PlateTypeText("蓝", PlateKind::kOrdinary), "普通蓝牌");
  EXPECT_EQ(PlateTypeText("黄", PlateKind::kOrdinary), "普通黄牌");
  EXPECT_EQ(PlateTypeText("绿", PlateKind::kNewEnergy), "新能源绿牌");
  EXPECT_EQ(PlateTypeText("黄", PlateKind::kNewEnergy), "新能源黄绿牌");
  EXPECT_EQ(PlateTypeText("白", PlateKind::kSpecial), "白牌");
}

}  // namespace
}  // namespace kanjian::vision
