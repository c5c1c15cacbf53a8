// The catalog file (`kanjian catalog publish FILE`, config/catalog.json):
// JSON text → billing::Catalog::ParseDocument. Properties: no exception
// escapes (a wrong type is InvalidConfiguration like any other mistake);
// an accepted version holds what billing relies on (tiers from 0, strictly
// increasing, non-negative prices and packs) and parsing its stored
// document again gives the same version, as the server does on load.
#include <cstdint>
#include <string>

#include "billing/rules/catalog.h"
#include "common/error_codes.h"
#include "fuzz_check.h"

using namespace kanjian;
using namespace kanjian::billing;

namespace {

void CheckVersion(const CatalogVersion& v) {
  FUZZ_CHECK(!v.version.empty());
  FUZZ_CHECK(!v.tiers.empty());
  for (const auto& [action, tiers] : v.tiers) {
    FUZZ_CHECK(!tiers.empty() && tiers.front().from_calls == 0);
    for (size_t i = 0; i < tiers.size(); ++i) {
      FUZZ_CHECK(tiers[i].price >= 0);
      FUZZ_CHECK(i == 0 || tiers[i].from_calls > tiers[i - 1].from_calls);
      auto price = ParsePriceE4(FormatPriceE4(tiers[i].price));
      FUZZ_CHECK(price.ok() && *price == tiers[i].price);
    }
  }
  for (const auto& g : v.free_groups) {
    FUZZ_CHECK(!g.actions.empty() && g.quota >= 0);
    for (const auto& a : g.actions) FUZZ_CHECK(v.tiers.count(a) == 1 && v.FreeGroupOf(a) == &g);
  }
  for (const auto& p : v.packs) {
    FUZZ_CHECK(p.calls >= 1 && p.price >= 0 && v.tiers.count(p.action) == 1);
    FUZZ_CHECK(p.validity_months >= 1 && p.validity_months <= 1200);
    FUZZ_CHECK(v.FindSku(p.action, p.calls) == &p);
  }
  for (const auto& p : v.promotions)
    FUZZ_CHECK(p.discount_percent >= 0 && p.discount_percent <= 100);
  const auto& s = v.settings;
  FUZZ_CHECK(s.utc_offset_s % 3600 == 0 && s.utc_offset_s >= -14 * 3600 &&
             s.utc_offset_s <= 14 * 3600);
  FUZZ_CHECK(s.payment_order.size() == 4);

  auto again = ParseCatalogVersion(v.document);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->version == v.version && again->effective_from == v.effective_from &&
             again->tiers.size() == v.tiers.size() && again->packs.size() == v.packs.size() &&
             again->free_groups.size() == v.free_groups.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto document = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;
  auto versions = Catalog::ParseDocument(document);
  if (!versions.ok()) {
    FUZZ_CHECK(versions.status().code() == errc::kInvalidConfiguration);
    fuzz::CheckEnvelope(versions.status());
    return 0;
  }
  FUZZ_CHECK(!versions->empty());
  for (const auto& v : *versions) CheckVersion(v);
  Catalog catalog(*versions);
  for (UnixMicros t : {INT64_MIN, int64_t{0}, versions->front().effective_from, INT64_MAX}) {
    const CatalogVersion& in_force = catalog.InForceAt(t);
    FUZZ_CHECK(!in_force.version.empty());
  }
  return 0;
}
