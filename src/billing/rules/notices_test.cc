// The notices rules as a table: each fact, just below and at its threshold.
#include "billing/rules/notices.h"

#include <gtest/gtest.h>

namespace kanjian::billing {
namespace {

constexpr UnixMicros kNow = 1'790'000'000'000'000;

std::string Kinds(const std::vector<TenantNotice>& notices) {
  std::string out;
  for (const auto& n : notices)
    out += (out.empty() ? "" : " ") + n.kind + (n.percent ? ":" + std::to_string(n.percent) : "") +
           "/" + n.level;
  return out;
}

store::Pack Bought(const std::string& id, int64_t calls, int64_t used, UnixMicros expires_at) {
  store::Pack p;
  p.id = id;
  p.kind = store::PackKind::kPurchased;
  p.actions = {"DetectPet"};
  p.calls = calls;
  p.used = used;
  p.expires_at = expires_at;
  return p;
}

TEST(Notices, Table) {
  struct Row {
    const char* name;
    NoticeFacts facts;
    std::string expected;
  } rows[] = {
      {"nothing to say", {ServiceState::kActive, 100}, ""},
      {"arrears", {ServiceState::kArrears, -250}, "arrears/critical"},
      {"free pack at 79 %", {ServiceState::kActive, 0, {{"DetectPet", 1000, 799}}}, ""},
      {"free pack at 80 %",
       {ServiceState::kActive, 0, {{"DetectPet", 1000, 800}}},
       "free_pack:80/warning"},
      {"free pack at 100 %",
       {ServiceState::kActive, 0, {{"DetectPet", 1000, 1000}}},
       "free_pack:100/critical"},
      {"free group without quota", {ServiceState::kActive, 0, {{"X", 0, 0}}}, ""},
      {"pack expiring in 7 days",
       {ServiceState::kActive, 0, {}, {Bought("p1", 10, 1, kNow + 7 * kMicrosPerDay)}},
       "pack_expiring/warning"},
      {"pack expiring in 8 days",
       {ServiceState::kActive, 0, {}, {Bought("p1", 10, 1, kNow + 8 * kMicrosPerDay)}},
       ""},
      {"pack expired", {ServiceState::kActive, 0, {}, {Bought("p1", 10, 1, kNow)}}, ""},
      {"used-up pack expiring",
       {ServiceState::kActive, 0, {}, {Bought("p1", 10, 10, kNow + kMicrosPerDay)}},
       ""},
      {"spend at 49 %", {ServiceState::kActive, 0, {}, {}, {}, 100, 49}, ""},
      {"spend at 50 %", {ServiceState::kActive, 0, {}, {}, {}, 100, 50}, "spend_guard:50/info"},
      {"spend at 80 %", {ServiceState::kActive, 0, {}, {}, {}, 100, 80}, "spend_guard:80/warning"},
      {"spend at 100 %",
       {ServiceState::kActive, 0, {}, {}, {}, 100, 100},
       "spend_guard:100/critical"},
      {"no budget", {ServiceState::kActive, 0, {}, {}, {}, std::nullopt, 1'000'000}, ""},
      {"catalog notice",
       {ServiceState::kActive,
        0,
        {},
        {},
        {{"n1", "a", kNow - 89 * kMicrosPerDay, "catalog_change", "quota"}}},
       "catalog_change/info"},
      {"old catalog notice",
       {ServiceState::kActive,
        0,
        {},
        {},
        {{"n1", "a", kNow - 91 * kMicrosPerDay, "catalog_change", "q"}}},
       ""},
      {"most urgent first",
       {ServiceState::kArrears,
        -1,
        {{"DetectPet", 10, 8}},
        {},
        {{"n1", "a", kNow - kMicrosPerDay, "catalog_change", "q"}},
        10,
        10},
       "arrears/critical spend_guard:100/critical free_pack:80/warning catalog_change/info"},
  };
  for (const Row& r : rows) EXPECT_EQ(Kinds(ComputeNotices(r.facts, kNow)), r.expected) << r.name;
}

TEST(Notices, CarryTheirFigures) {
  NoticeFacts facts{ServiceState::kArrears,
                    -250,
                    {{"DetectPet", 1000, 850}},
                    {Bought("p1", 10, 4, kNow + kMicrosPerDay)},
                    {},
                    1000,
                    900};
  auto notices = ComputeNotices(facts, kNow);
  ASSERT_EQ(notices.size(), 4u);
  EXPECT_EQ(notices[0].amount, 250);
  EXPECT_EQ(notices[1].kind, "spend_guard");
  EXPECT_EQ(notices[1].amount, 900);
  EXPECT_EQ(notices[1].limit, 1000);
  const auto& free = notices[2].kind == "free_pack" ? notices[2] : notices[3];
  EXPECT_EQ(free.subject, "DetectPet");
  EXPECT_EQ(free.used, 850);
  EXPECT_EQ(free.quota, 1000);
  const auto& pack = notices[2].kind == "pack_expiring" ? notices[2] : notices[3];
  EXPECT_EQ(pack.subject, "p1");
  EXPECT_EQ(pack.expires_at, kNow + kMicrosPerDay);
  EXPECT_EQ(pack.action, "DetectPet");
}

}  // namespace
}  // namespace kanjian::billing
