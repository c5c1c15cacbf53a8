#include "billing/rules/catalog.h"

#include <gtest/gtest.h>

#include "common/iso8601.h"
#include "tests/support/beijing_time.h"

namespace kanjian::billing {
namespace {

using testing::T;

TEST(CatalogTest, BundledFreeQuotaChangesOn20221024) {
  Catalog c = Catalog::Bundled();
  const auto& oct = c.InForceAt(T("2022-10-01T00:00:00+08:00"));
  const auto& nov = c.InForceAt(T("2022-11-01T00:00:00+08:00"));
  ASSERT_NE(oct.FreeGroupOf("RecognizeCar"), nullptr);
  EXPECT_EQ(oct.FreeGroupOf("RecognizeCar"),
            oct.FreeGroupOf("RecognizeCarPro"));  // shared CAR pool
  EXPECT_EQ(oct.FreeQuotaOf("RecognizeCar"), 10000);
  EXPECT_EQ(oct.FreeQuotaOf("DetectProduct"), 10000);
  EXPECT_EQ(oct.FreeQuotaOf("DetectPet"), 1000);
  EXPECT_NE(nov.FreeGroupOf("RecognizeCar"), nov.FreeGroupOf("RecognizeCarPro"));
  EXPECT_EQ(nov.FreeQuotaOf("RecognizeCarPro"), 1000);
  // The boundary instant itself, in Asia/Shanghai.
  EXPECT_EQ(c.InForceAt(T("2022-10-23T23:59:59+08:00")).version, oct.version);
  EXPECT_EQ(c.InForceAt(T("2022-10-24T00:00:00+08:00")).version, nov.version);
}

TEST(CatalogTest, RejectsInvalidDocuments) {
  nlohmann::json good = Catalog::Bundled().versions().back().document;
  EXPECT_TRUE(ParseCatalogVersion(good).ok());
  auto broken = [&](auto edit) {
    nlohmann::json d = good;
    edit(d);
    return !ParseCatalogVersion(d).ok();
  };
  EXPECT_TRUE(broken([](auto& d) { d.erase("version"); }));
  EXPECT_TRUE(broken([](auto& d) { d["effective_from"] = "soon"; }));
  EXPECT_TRUE(broken([](auto& d) { d["tier_mode"] = "magic"; }));
  EXPECT_TRUE(broken([](auto& d) { d["actions"]["DetectPet"]["tiers"][0]["from"] = 5; }));
  EXPECT_TRUE(broken([](auto& d) { d["actions"]["DetectPet"]["tiers"][1]["price"] = "1.23456"; }));
  EXPECT_TRUE(broken([](auto& d) { d["free_groups"][0]["actions"].push_back("DetectPet"); }));
  EXPECT_TRUE(broken([](auto& d) { d["packs"][0]["price"] = 730; }));
  EXPECT_TRUE(broken([](auto& d) { d["settings"]["payment_order"] = {"cash"}; }));
}

// fuzz/catalog_fuzz.cc found `"refundable": 1` in a pack escaping as
// nlohmann::json::type_error (an exception out of `catalog publish` and the
// server's catalog load). Every field of the wrong type is now an
// InvalidConfiguration naming it, and lists must be arrays.
TEST(CatalogTest, WrongTypesAreRefusedNotThrown) {
  nlohmann::json good = Catalog::Bundled().versions().back().document;
  auto refusal = [&](auto edit) {
    nlohmann::json d = good;
    edit(d);
    Result<CatalogVersion> v = Status(errc::kInternalError, "threw");
    EXPECT_NO_THROW(v = ParseCatalogVersion(d));
    return v.ok() ? std::string("accepted") : v.status().ToString();
  };
  const std::string kInvalid = "InvalidConfiguration: catalog: ";
  EXPECT_EQ(refusal([](auto& d) { d["packs"][0]["refundable"] = 1; }),
            kInvalid + "refundable must be true or false");
  EXPECT_EQ(refusal([](auto& d) {
              d["promotions"] = {{{"name", "p"}, {"refundable", "no"}}};
            }),
            kInvalid + "refundable must be true or false");
  EXPECT_EQ(refusal([](auto& d) { d["tier_mode"] = 1; }), kInvalid + "tier_mode must be a string");
  EXPECT_EQ(refusal([](auto& d) { d["tier_basis"] = nullptr; }),
            kInvalid + "tier_basis must be a string");
  EXPECT_EQ(refusal([](auto& d) {
              d["packs"] = {{"a", d["packs"][0]}};
            }),
            kInvalid + "packs must be an array");
  EXPECT_EQ(refusal([](auto& d) { d["free_groups"] = "CAR"; }),
            kInvalid + "free_groups must be an array");
  EXPECT_EQ(refusal([](auto& d) { d["free_groups"][0]["actions"] = "DetectPet"; }),
            kInvalid + "actions must be an array");
  EXPECT_EQ(refusal([](auto& d) {
              d["settings"]["payment_order"] = {
                  {"a", "voucher"}, {"b", "gift"}, {"c", "income"}, {"d", "cash"}};
            }),
            kInvalid + "payment_order must be an array");
  EXPECT_EQ(refusal([](auto& d) {}), "accepted");
}

TEST(CatalogTest, LaterPublicationWinsOnEqualDates) {
  auto versions = Catalog::Bundled().versions();
  CatalogVersion again = versions.back();
  again.version = "republished";
  versions.push_back(again);
  Catalog c(versions);
  EXPECT_EQ(c.InForceAt(T("2030-01-01T00:00:00+08:00")).version, "republished");
}

}  // namespace
}  // namespace kanjian::billing
