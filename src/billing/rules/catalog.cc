#include "billing/rules/catalog.h"

#include <algorithm>
#include <set>

#include "billing/bundled_catalog.h"  // generated from config/catalog.json
#include "common/error_codes.h"
#include "common/iso8601.h"

namespace kanjian::billing {

using nlohmann::json;

const FreeGroup* CatalogVersion::FreeGroupOf(const std::string& action) const {
  for (const auto& g : free_groups) {
    if (std::find(g.actions.begin(), g.actions.end(), action) != g.actions.end()) return &g;
  }
  return nullptr;
}

int64_t CatalogVersion::FreeQuotaOf(const std::string& action) const {
  const FreeGroup* g = FreeGroupOf(action);
  return g ? g->quota : 0;
}

const PackSku* CatalogVersion::FindSku(const std::string& action, int64_t calls) const {
  for (const auto& p : packs) {
    if (p.action == action && p.calls == calls) return &p;
  }
  return nullptr;
}

const Promotion* CatalogVersion::FindPromotion(const std::string& name) const {
  for (const auto& p : promotions) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

namespace {

Status Invalid(const std::string& what) {
  return Status(errc::kInvalidConfiguration, "catalog: " + what);
}

// Reads an int field that must be within [lo, hi].
Status ReadInt(const json& obj, const char* key, int64_t lo, int64_t hi, int64_t* out,
               bool required) {
  auto it = obj.find(key);
  if (it == obj.end()) return required ? Invalid(std::string(key) + " is required") : Status::Ok();
  if (!it->is_number_integer()) return Invalid(std::string(key) + " must be an integer");
  int64_t v = it->get<int64_t>();
  if (v < lo || v > hi) return Invalid(std::string(key) + " out of range");
  *out = v;
  return Status::Ok();
}

// Optional fields of one JSON type. A field of the wrong type is refused
// like any other mistake, never thrown: fuzz/catalog_fuzz.cc found
// `"refundable": 1` escaping as nlohmann::json::type_error.
Status ReadString(const json& obj, const char* key, std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::Ok();
  if (!it->is_string()) return Invalid(std::string(key) + " must be a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

Status ReadBool(const json& obj, const char* key, bool* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::Ok();
  if (!it->is_boolean()) return Invalid(std::string(key) + " must be true or false");
  *out = it->get<bool>();
  return Status::Ok();
}

// An optional array field: an empty array when absent.
Result<const json*> ReadArray(const json& obj, const char* key) {
  static const json kEmpty = json::array();
  auto it = obj.find(key);
  if (it == obj.end()) return &kEmpty;
  if (!it->is_array()) return Invalid(std::string(key) + " must be an array");
  return &*it;
}

Status ParseOffset(const std::string& text, int* out) {
  auto digit = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':' || !digit(1) ||
      !digit(2) || !digit(4) || !digit(5))
    return Invalid("utc_offset must look like +08:00");
  int h = std::stoi(text.substr(1, 2)), m = std::stoi(text.substr(4, 2));
  // Usage is totalled per UTC hour (store::HourOf), so a month must start on one.
  if (m != 0 || h > 14)
    return Invalid("utc_offset must be a whole number of hours, -14:00 to +14:00");
  *out = (h * 3600 + m * 60) * (text[0] == '-' ? -1 : 1);
  return Status::Ok();
}

Status ParseSettings(const json& s, BillingSettings* out) {
  if (!s.is_object()) return Invalid("settings must be an object");
  if (auto it = s.find("utc_offset"); it != s.end()) {
    if (!it->is_string()) return Invalid("utc_offset must be a string");
    RETURN_IF_ERROR(ParseOffset(*it, &out->utc_offset_s));
  }
  int64_t v;
  struct Field {
    const char* key;
    int* dest;
    int64_t lo, hi;
  };
  for (Field f : {Field{"refund_window_days", &out->refund_window_days, 0, 3650},
                  Field{"refunds_per_year", &out->refunds_per_year, 0, 1000000},
                  Field{"arrears_grace_days", &out->arrears_grace_days, 0, 3650},
                  Field{"notice_days", &out->notice_days, 0, 3650}}) {
    v = *f.dest;
    RETURN_IF_ERROR(ReadInt(s, f.key, f.lo, f.hi, &v, false));
    *f.dest = static_cast<int>(v);
  }
  if (auto it = s.find("payment_order"); it != s.end()) {
    if (!it->is_array()) return Invalid("payment_order must be an array");
    std::vector<std::string> order;
    for (const auto& src : *it) {
      if (!src.is_string()) return Invalid("payment_order holds source names");
      order.push_back(src);
    }
    std::vector<std::string> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    if (sorted != std::vector<std::string>{"cash", "gift", "income", "voucher"})
      return Invalid("payment_order must list cash, income, gift and voucher once each");
    out->payment_order = order;
  }
  return Status::Ok();
}

}  // namespace

Result<CatalogVersion> ParseCatalogVersion(const json& d) {
  if (!d.is_object()) return Invalid("a version must be an object");
  CatalogVersion v;
  v.document = d;
  if (!d.contains("version") || !d["version"].is_string() ||
      d["version"].get<std::string>().empty())
    return Invalid("version (a non-empty string) is required");
  v.version = d["version"];
  if (Status s =
          ParseSettings(d.contains("settings") ? d["settings"] : json::object(), &v.settings);
      !s.ok())
    return s;
  if (!d.contains("effective_from") || !d["effective_from"].is_string())
    return Invalid("effective_from (ISO 8601) is required");
  auto eff = ParseIso8601(d["effective_from"].get<std::string>(), v.settings.utc_offset_s);
  if (!eff.ok()) return Invalid(eff.status().message());
  v.effective_from = *eff;

  std::string mode = "volume", basis = "all_calls";
  RETURN_IF_ERROR(ReadString(d, "tier_mode", &mode));
  RETURN_IF_ERROR(ReadString(d, "tier_basis", &basis));
  if (mode != "volume" && mode != "graduated")
    return Invalid("tier_mode must be volume or graduated");
  v.tier_mode = mode == "volume" ? TierMode::kVolume : TierMode::kGraduated;
  if (basis != "all_calls" && basis != "postpaid_calls")
    return Invalid("tier_basis must be all_calls or postpaid_calls");
  v.tier_basis = basis == "all_calls" ? TierBasis::kAllCalls : TierBasis::kPostpaidCalls;

  if (!d.contains("actions") || !d["actions"].is_object() || d["actions"].empty())
    return Invalid("actions (an object keyed by action) is required");
  for (const auto& [action, spec] : d["actions"].items()) {
    if (!spec.is_object() || !spec.contains("tiers") || !spec["tiers"].is_array() ||
        spec["tiers"].empty())
      return Invalid(action + ": tiers are required");
    std::vector<Tier> tiers;
    for (const auto& t : spec["tiers"]) {
      Tier tier;
      RETURN_IF_ERROR(ReadInt(t, "from", 0, INT64_MAX, &tier.from_calls, true));
      if (!t.contains("price") || !t["price"].is_string())
        return Invalid(action + ": each tier needs a price string (元 per 1000 calls)");
      auto price = ParsePriceE4(t["price"].get<std::string>());
      if (!price.ok()) return Invalid(action + ": " + price.status().message());
      tier.price = *price;
      if (tiers.empty() ? tier.from_calls != 0 : tier.from_calls <= tiers.back().from_calls)
        return Invalid(action + ": tiers must start at 0 and increase");
      tiers.push_back(tier);
    }
    v.tiers[action] = std::move(tiers);
  }

  std::set<std::string> grouped, group_names;
  ASSIGN_OR_RETURN(auto free_groups, ReadArray(d, "free_groups"));
  for (const auto& g : *free_groups) {
    FreeGroup group;
    if (!g.contains("name") || !g["name"].is_string()) return Invalid("free group needs a name");
    group.name = g["name"];
    if (!group_names.insert(group.name).second)
      return Invalid("duplicate free group " + group.name);
    RETURN_IF_ERROR(ReadInt(g, "quota", 0, INT64_MAX, &group.quota, true));
    ASSIGN_OR_RETURN(auto actions, ReadArray(g, "actions"));
    for (const auto& a : *actions) {
      if (!a.is_string() || !v.tiers.count(a.get<std::string>()))
        return Invalid("free group " + group.name + " names an action without tiers");
      if (!grouped.insert(a.get<std::string>()).second)
        return Invalid(a.get<std::string>() + " is in two free groups");
      group.actions.push_back(a);
    }
    if (group.actions.empty()) return Invalid("free group " + group.name + " covers no action");
    v.free_groups.push_back(std::move(group));
  }

  ASSIGN_OR_RETURN(auto packs, ReadArray(d, "packs"));
  for (const auto& p : *packs) {
    PackSku sku;
    if (!p.contains("action") || !p["action"].is_string() ||
        !v.tiers.count(p["action"].get<std::string>()))
      return Invalid("a pack needs an action that has tiers");
    sku.action = p["action"];
    RETURN_IF_ERROR(ReadInt(p, "calls", 1, INT64_MAX, &sku.calls, true));
    if (!p.contains("price") || !p["price"].is_string())
      return Invalid("a pack needs a price string");
    auto price = ParseYuan(p["price"].get<std::string>());
    if (!price.ok() || *price < 0) return Invalid("pack price: " + std::string(p["price"].dump()));
    sku.price = *price;
    int64_t months = 12;
    RETURN_IF_ERROR(ReadInt(p, "validity_months", 1, 1200, &months, false));
    sku.validity_months = static_cast<int>(months);
    RETURN_IF_ERROR(ReadBool(p, "refundable", &sku.refundable));
    if (v.FindSku(sku.action, sku.calls)) return Invalid("duplicate pack SKU");
    v.packs.push_back(sku);
  }

  ASSIGN_OR_RETURN(auto promotions, ReadArray(d, "promotions"));
  for (const auto& p : *promotions) {
    Promotion promo;
    if (!p.contains("name") || !p["name"].is_string()) return Invalid("a promotion needs a name");
    promo.name = p["name"];
    int64_t pct = 0;
    RETURN_IF_ERROR(ReadInt(p, "discount_percent", 0, 100, &pct, false));
    promo.discount_percent = static_cast<int>(pct);
    RETURN_IF_ERROR(ReadBool(p, "refundable", &promo.refundable));
    v.promotions.push_back(promo);
  }
  return v;
}

Catalog::Catalog(std::vector<CatalogVersion> versions)
    : versions_(std::make_shared<const std::vector<CatalogVersion>>(std::move(versions))) {}

Result<std::vector<CatalogVersion>> Catalog::ParseDocument(const json& document) {
  std::vector<CatalogVersion> out;
  if (document.is_object() && document.contains("versions")) {
    if (!document["versions"].is_array() || document["versions"].empty())
      return Invalid("versions must be a non-empty array");
    for (const auto& v : document["versions"]) {
      ASSIGN_OR_RETURN(auto parsed, ParseCatalogVersion(v));
      out.push_back(std::move(parsed));
    }
  } else {
    ASSIGN_OR_RETURN(auto parsed, ParseCatalogVersion(document));
    out.push_back(std::move(parsed));
  }
  return out;
}

Catalog Catalog::Bundled() {
  auto versions = ParseDocument(json::parse(kBundledCatalogJson));
  if (!versions.ok())
    throw std::logic_error("bundled catalog is invalid: " + versions.status().ToString());
  return Catalog(std::move(versions).value());
}

const CatalogVersion& Catalog::InForceAt(UnixMicros t) const {
  const CatalogVersion* best = nullptr;
  for (const auto& v : *versions_) {  // publication order: a later equal-dated version wins
    if (v.effective_from <= t && (!best || v.effective_from >= best->effective_from)) best = &v;
  }
  if (!best) {  // before every version: the earliest one applies
    best = &versions_->front();
    for (const auto& v : *versions_) {
      if (v.effective_from < best->effective_from) best = &v;
    }
  }
  return *best;
}

}  // namespace kanjian::billing
