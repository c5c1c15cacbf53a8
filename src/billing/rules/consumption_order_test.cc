// Table tests of the consumption order (consumption_order.h, docs/billing.md §2, §4).
#include "billing/rules/consumption_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>

namespace kanjian::billing {
namespace {

store::Pack MakePack(const std::string& id, store::PackKind kind, std::vector<std::string> actions,
                     int64_t calls, UnixMicros created, UnixMicros expires, int64_t used = 0) {
  store::Pack p;
  p.id = id;
  p.kind = kind;
  p.actions = std::move(actions);
  p.calls = calls;
  p.used = used;
  p.created_at = created;
  p.expires_at = expires;
  return p;
}

std::string Ids(const std::vector<store::Pack>& packs) {
  std::string out;
  for (const auto& p : packs) out += p.id + " ";
  return out;
}

TEST(ConsumptionOrderTest, FreeFirstThenEarliestExpiryThenCreatedThenId) {
  std::vector<store::Pack> packs = {
      MakePack("pack-b", store::PackKind::kPurchased, {"A"}, 10, 5, 500),
      MakePack("gift-a", store::PackKind::kGift, {"A"}, 10, 1, 300),
      MakePack("free-x", store::PackKind::kFree, {"A"}, 10, 0, 900),  // expires last, still first
      MakePack("pack-a", store::PackKind::kPurchased, {"A"}, 10, 5, 500),
      MakePack("pack-c", store::PackKind::kPurchased, {"A"}, 10, 2, 500),
  };
  const std::string expected = "free-x gift-a pack-c pack-a pack-b ";
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {  // whatever order the store returns
    std::shuffle(packs.begin(), packs.end(), rng);
    SortByConsumptionOrder(packs);
    EXPECT_EQ(Ids(packs), expected);
  }
}

TEST(ConsumptionOrderTest, CanPayOnlyWhileLiveAndCovering) {
  const store::Pack base = MakePack("p", store::PackKind::kPurchased,
                                    {"RecognizeCarPro", "RecognizeCar"}, 10, 100, 1000, 5);
  struct Row {
    const char* name;
    std::function<void(store::Pack&)> change;
    std::string action;
    UnixMicros at;
    bool expected;
  };
  const Row rows[] = {
      {"live", [](store::Pack&) {}, "RecognizeCar", 100, true},
      {"other action", [](store::Pack&) {}, "DetectPet", 500, false},
      {"before creation", [](store::Pack&) {}, "RecognizeCar", 99, false},
      {"at expiry (exclusive)", [](store::Pack&) {}, "RecognizeCar", 1000, false},
      {"used up", [](store::Pack& p) { p.used = 10; }, "RecognizeCar", 500, false},
      {"refunded", [](store::Pack& p) { p.refunded_at = 200; }, "RecognizeCar", 500, false},
  };
  for (const Row& row : rows) {
    store::Pack p = base;
    row.change(p);
    EXPECT_EQ(CanPay(p, row.action, row.at), row.expected) << row.name;
  }
}

TEST(ConsumptionOrderTest, PlanTakesPacksInOrderThenPostpaid) {
  std::vector<store::Pack> packs = {
      MakePack("free", store::PackKind::kFree, {"A", "B"}, 100, 0, 1000, 90),  // 10 left
      MakePack("pet", store::PackKind::kPurchased, {"P"}, 100, 0, 1000),       // not for A
      MakePack("p1", store::PackKind::kPurchased, {"A"}, 20, 0, 1000),
      MakePack("p2", store::PackKind::kPurchased, {"A"}, 50, 0, 2000),
  };
  struct Row {
    int64_t quantity;
    std::string takes;  // "index:quantity …"
    int64_t postpaid;
  };
  const Row rows[] = {
      {1, "0:1 ", 0},
      {10, "0:10 ", 0},
      {11, "0:10 2:1 ", 0},
      {80, "0:10 2:20 3:50 ", 0},
      {100, "0:10 2:20 3:50 ", 20},
  };
  Consumption plan;
  for (const Row& row : rows) {
    PlanConsumption(packs, "A", 10, row.quantity, plan);
    std::string takes;
    for (const auto& t : plan.takes)
      takes += std::to_string(t.pack) + ":" + std::to_string(t.quantity) + " ";
    EXPECT_EQ(takes, row.takes) << row.quantity;
    EXPECT_EQ(plan.postpaid, row.postpaid) << row.quantity;
  }
  PlanConsumption(packs, "A", 1500, 5, plan);  // only p2 is still live
  ASSERT_EQ(plan.takes.size(), 1u);
  EXPECT_EQ(plan.takes[0].pack, 3u);
}

}  // namespace
}  // namespace kanjian::billing
