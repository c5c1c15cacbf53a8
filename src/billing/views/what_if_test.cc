// The what-if's re-split of free calls under a draft's quotas and its
// pricing through PriceMonth (what_if.h states the rule).
#include "billing/views/what_if.h"

#include <gtest/gtest.h>

#include "billing/rules/pricing.h"
#include "common/iso8601.h"

namespace kanjian::billing {
namespace {

// The bundled 2019 version: RecognizeCar and RecognizeCarPro share one
// free group (CAR, 10000 calls), DetectPet has 1000.
CatalogVersion Current() {
  static const Catalog catalog = Catalog::Bundled();
  return catalog.InForceAt(*ParseIso8601("2019-06-01T00:00:00+08:00", 0));
}

FreeGroup* Group(CatalogVersion& v, const std::string& name) {
  for (auto& g : v.free_groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

TEST(WhatIfTest, UnchangedQuotasKeepTheRecordedSplitAndTheBill) {
  const CatalogVersion v = Current();
  // A shared group (CAR) used up with the Pro action post-paid: the split the
  // calls' order produced is kept, not redistributed by name.
  const MonthCalls recorded = {{"RecognizeCar", {4000, 0, 0}},
                               {"RecognizeCarPro", {6000, 100, 2000}},
                               {"DetectPet", {1000, 0, 100}}};
  EXPECT_EQ(ResplitFree(v, recorded), recorded);
  const auto lines = PriceCalls(v, recorded);
  Fen expected = 0;
  for (const auto& [action, c] : recorded)
    for (const auto& l : PriceMonth(v, action, c.total(), c.postpaid)) expected += l.amount;
  EXPECT_EQ(TotalOf(lines), expected);
  EXPECT_EQ(TotalOf(lines), 150'00 + 2'00);  // 2000 Pro calls at 75 元/千 + 100 pets at 20 元/千
}

TEST(WhatIfTest, AGrownQuotaFreesPostpaidCallsAShrunkOneChargesFreeCalls) {
  CatalogVersion draft = Current();
  Group(draft, "DetectPet")->quota = 1050;
  Group(draft, "CAR")->quota = 9000;
  const MonthCalls recorded = {{"RecognizeCar", {4000, 0, 0}},
                               {"RecognizeCarPro", {6000, 100, 2000}},
                               {"DetectPet", {1000, 0, 100}}};
  const MonthCalls split = ResplitFree(draft, recorded);
  EXPECT_EQ(split.at("DetectPet"), (SourceCalls{1050, 0, 50}));
  // 1000 fewer free calls, taken in reverse name order: Pro first.
  EXPECT_EQ(split.at("RecognizeCarPro"), (SourceCalls{5000, 100, 3000}));
  EXPECT_EQ(split.at("RecognizeCar"), (SourceCalls{4000, 0, 0}));
  EXPECT_EQ(TotalOf(PriceCalls(draft, split)), 225'00 + 1'00);
}

TEST(WhatIfTest, AnActionOutsideEveryDraftGroupHasNoFreeCalls) {
  CatalogVersion draft = Current();
  std::erase_if(draft.free_groups, [](const FreeGroup& g) { return g.name == "DetectPet"; });
  const MonthCalls split = ResplitFree(draft, {{"DetectPet", {700, 5, 0}}});
  EXPECT_EQ(split.at("DetectPet"), (SourceCalls{0, 5, 700}));
}

TEST(WhatIfTest, ADraftPriceChangesTheAmountNotTheQuantities) {
  CatalogVersion draft = Current();
  for (auto& tier : draft.tiers["DetectPet"]) tier.price *= 2;
  const MonthCalls recorded = {{"DetectPet", {1000, 0, 100}}};
  const auto old_lines = PriceCalls(Current(), recorded), new_lines = PriceCalls(draft, recorded);
  ASSERT_EQ(new_lines.size(), 1u);
  EXPECT_EQ(new_lines[0].quantity, old_lines[0].quantity);
  EXPECT_EQ(TotalOf(new_lines), 2 * TotalOf(old_lines));
}

}  // namespace
}  // namespace kanjian::billing
