// Table tests of pack_rules.h (docs/billing.md §2, §4, §7).
#include "billing/rules/pack_rules.h"

#include <gtest/gtest.h>

namespace kanjian::billing {
namespace {

TEST(PackRulesTest, PromotionPriceRoundsHalfUpAndNoRefundWins) {
  struct Row {
    Fen price;
    bool sku_refundable;
    std::optional<Promotion> promo;
    Fen expected_price;
    bool expected_refundable;
  };
  const Row rows[] = {
      {73000, true, std::nullopt, 73000, true},
      {73000, false, std::nullopt, 73000, false},
      {73000, true, Promotion{"spring", 10, true}, 65700, true},
      {73000, true, Promotion{"flash", 20, false}, 58400, false},
      {101, true, Promotion{"half", 50, true}, 51, true},  // 50.5 fen → 51
      {99, true, Promotion{"third", 33, true}, 66, true},  // 66.33 → 66
      {3, true, Promotion{"x", 50, true}, 2, true},        // 1.5 → 2
      {73000, true, Promotion{"free", 100, true}, 0, true},
      {73000, false, Promotion{"open", 0, true}, 73000, false},  // the SKU's "no refund" wins too
  };
  for (const Row& row : rows) {
    PackSku sku{"RecognizeCarPro", 10'000, row.price, 12, row.sku_refundable};
    PackOffer offer = OfferFor(sku, row.promo ? &*row.promo : nullptr);
    EXPECT_EQ(offer.price, row.expected_price) << row.price;
    EXPECT_EQ(offer.refundable, row.expected_refundable) << row.price;
  }
}

TEST(PackRulesTest, FreePackIsTheGroupsMonth) {
  FreeGroup group{"CAR", {"RecognizeCar", "RecognizeCarPro"}, 1000};
  store::Pack p = FreePack("acc-0123456789ab", group, {2026, 3}, 111, 999);
  EXPECT_EQ(p.id, "free-0123456789ab-2026-03-CAR");
  EXPECT_EQ(p.kind, store::PackKind::kFree);
  EXPECT_EQ(p.actions, group.actions);
  EXPECT_EQ(p.free_group, "CAR");
  EXPECT_EQ(p.calls, 1000);
  EXPECT_EQ(p.created_at, 111);
  EXPECT_EQ(p.expires_at, 999);
  EXPECT_FALSE(p.refundable);
}

}  // namespace
}  // namespace kanjian::billing
