// The price catalog as versioned data: tiers per action, free-pack groups,
// pack SKUs, promotions and the billing settings. The bundled default is
// config/catalog.json (compiled in); operators publish new versions with
// `kanjian catalog publish FILE`. The version in force at an instant is the
// one with the latest effective_from not after it (ties: published later wins).
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "billing/rules/calendar.h"
#include "billing/rules/money.h"
#include "common/clock.h"
#include "common/status.h"

namespace kanjian::billing {

enum class TierMode { kVolume, kGraduated };         // 阶梯到达 (default) / 阶梯累进
enum class TierBasis { kAllCalls, kPostpaidCalls };  // what selects the tier

struct Tier {
  int64_t from_calls = 0;  // inclusive lower bound
  PriceE4 price = 0;       // per 1000 calls
};

struct FreeGroup {
  std::string name;
  std::vector<std::string> actions;  // share one quota
  int64_t quota = 0;                 // calls per month
};

struct PackSku {
  std::string action;
  int64_t calls = 0;
  Fen price = 0;
  int validity_months = 12;  // (our rule) per SKU
  bool refundable = true;
};

struct Promotion {
  std::string name;
  int discount_percent = 0;  // price × (100 − d) / 100, rounded half-up to the fen
  bool refundable = true;    // "no refund" wins over the SKU's flag
};

struct BillingSettings {
  int utc_offset_s = kShanghaiOffsetS;
  int refund_window_days = 7;  // the 7th calendar day after purchase included
  int refunds_per_year = 3;    // (our rule) no-reason refunds per account per calendar year
  int arrears_grace_days = 0;  // days after a settlement before a negative balance suspends
  int notice_days = 30;        // minimum notice for lowering a free quota
  std::vector<std::string> payment_order = {"voucher", "gift", "income", "cash"};
};

struct CatalogVersion {
  std::string version;
  UnixMicros effective_from = 0;
  TierMode tier_mode = TierMode::kVolume;
  TierBasis tier_basis = TierBasis::kAllCalls;
  std::map<std::string, std::vector<Tier>> tiers;  // by action
  std::vector<FreeGroup> free_groups;
  std::vector<PackSku> packs;
  std::vector<Promotion> promotions;
  BillingSettings settings;
  nlohmann::json document;  // as published

  const FreeGroup* FreeGroupOf(const std::string& action) const;
  int64_t FreeQuotaOf(const std::string& action) const;  // 0 if none
  const PackSku* FindSku(const std::string& action, int64_t calls) const;
  const Promotion* FindPromotion(const std::string& name) const;
};

// Validates one version document (see config/catalog.json for the shape).
Result<CatalogVersion> ParseCatalogVersion(const nlohmann::json& document);

class Catalog {
 public:
  // REQUIRES: at least one version. Order of `versions` = publication order.
  explicit Catalog(std::vector<CatalogVersion> versions);
  static Catalog Bundled();
  // The versions of a document holding {"versions":[…]} or one version.
  static Result<std::vector<CatalogVersion>> ParseDocument(const nlohmann::json& document);

  const CatalogVersion& InForceAt(UnixMicros t) const;
  const std::vector<CatalogVersion>& versions() const { return *versions_; }

 private:
  // Shared and immutable, so copying a Catalog (once per call) is cheap;
  // references from InForceAt stay valid while any copy lives.
  std::shared_ptr<const std::vector<CatalogVersion>> versions_;  // publication order
};

}  // namespace kanjian::billing
