#include "vision/vehicle_plate.h"

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
  EXPECT_FALSE(ParsePlate("A12345"));        // no province
  EXPECT_FALSE(ParsePlate("京A1234"));       // too short
  EXPECT_FALSE(ParsePlate("京A1234567"));    // too long
  EXPECT_FALSE(ParsePlate("中A12345"));      // not a province
  EXPECT_FALSE(ParsePlate("京A12顺45"));     // Chinese inside
  EXPECT_FALSE(ParsePlate("SF EXPRESS"));
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
