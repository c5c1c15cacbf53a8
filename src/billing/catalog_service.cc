// Catalog versions in the store, publication with the 30-day notice rule
// for lowered free quotas (docs/billing.md §2), and the notices it schedules.
#include <set>

#include "billing/billing.h"
#include "billing/ledger_util.h"
#include "common/iso8601.h"

namespace kanjian::billing {

Result<Catalog> BillingService::LoadCatalog() {
  std::lock_guard<std::mutex> lock(catalog_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (catalog_ && now - catalog_loaded_ < std::chrono::seconds(1)) return *catalog_;
  std::vector<store::CatalogVersion> rows;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto list, txn.ListCatalogVersions());
    rows = std::move(list);
    return Status::Ok();
  }));
  if (rows.empty()) {
    catalog_ = Catalog::Bundled();
  } else {
    std::vector<CatalogVersion> versions;
    for (const auto& row : rows) {
      auto v = ParseCatalogVersion(nlohmann::json::parse(row.body));
      if (!v.ok())
        return Status(errc::kInternalError,
                      "stored catalog " + row.version + ": " + v.status().message());
      versions.push_back(std::move(v).value());
    }
    catalog_ = Catalog(std::move(versions));
  }
  catalog_loaded_ = now;
  return *catalog_;
}

Result<int> BillingService::OffsetNow() {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  return catalog.InForceAt(clock().NowMicros()).settings.utc_offset_s;
}

int BillingService::OffsetOf(const Catalog& catalog, Month month) {
  // The month's start depends on the offset and the offset on the version in
  // force then: resolve with the latest version's offset (they agree unless
  // an operator moves the billing time zone).
  const int guess = catalog.versions().back().settings.utc_offset_s;
  return catalog.InForceAt(MonthStart(month, guess)).settings.utc_offset_s;
}

namespace {

// Human-readable differences between the version in force and a new one.
std::vector<std::string> Changes(const CatalogVersion& before, const CatalogVersion& after,
                                 bool* lowers_free_quota) {
  std::vector<std::string> changes;
  std::set<std::string> actions;
  for (const auto& [a, t] : before.tiers) actions.insert(a);
  for (const auto& [a, t] : after.tiers) actions.insert(a);
  for (const auto& a : actions) {
    const int64_t q0 = before.FreeQuotaOf(a), q1 = after.FreeQuotaOf(a);
    const FreeGroup* g0 = before.FreeGroupOf(a);
    const FreeGroup* g1 = after.FreeGroupOf(a);
    const bool shared0 = g0 && g0->actions.size() > 1, shared1 = g1 && g1->actions.size() > 1;
    if (q1 < q0) *lowers_free_quota = true;
    if (q1 != q0 || shared0 != shared1)
      changes.push_back(a + " monthly free calls: " + std::to_string(q0) +
                        (shared0 ? " (shared)" : "") + " → " + std::to_string(q1) +
                        (shared1 ? " (shared)" : ""));
    auto t0 = before.tiers.find(a), t1 = after.tiers.find(a);
    auto price_of = [](auto it, auto end) {
      std::string out;
      if (it == end) return std::string("none");
      for (const auto& tier : it->second)
        out += (out.empty() ? "" : "/") + FormatPriceE4(tier.price);
      return out;
    };
    std::string p0 = price_of(t0, before.tiers.end()), p1 = price_of(t1, after.tiers.end());
    if (p0 != p1) changes.push_back(a + " post-paid prices (元/千次): " + p0 + " → " + p1);
  }
  return changes;
}

}  // namespace

Result<std::vector<std::string>> BillingService::PublishCatalog(const nlohmann::json& document) {
  ASSIGN_OR_RETURN(auto incoming, Catalog::ParseDocument(document));
  ASSIGN_OR_RETURN(auto current, LoadCatalog());
  const UnixMicros now = clock_.NowMicros();
  std::vector<CatalogVersion> all = current.versions();
  const size_t bundled_count = all.size();
  std::vector<std::pair<CatalogVersion, std::vector<std::string>>> accepted;
  for (CatalogVersion& v : incoming) {
    // One catalog of what is published so far, alive while its version is used.
    const Catalog so_far(all);
    const CatalogVersion& in_force = so_far.InForceAt(v.effective_from);
    const BillingSettings& settings = in_force.settings;
    if (v.effective_from < now)
      return Status(
          errc::kInvalidConfiguration,
          "version " + v.version + " would take effect in the past; history is never rewritten");
    bool lowers = false;
    auto changes = Changes(in_force, v, &lowers);
    const UnixMicros earliest = now + DaysToMicros(settings.notice_days);
    if (lowers && v.effective_from < earliest)
      return Status(
          errc::kNoticePeriodTooShort,
          "version " + v.version + " lowers a free quota, so it must take effect at least " +
              std::to_string(settings.notice_days) + " days after publication (not before " +
              FormatIso8601(earliest, settings.utc_offset_s) + ")");
    all.push_back(v);
    accepted.emplace_back(v, std::move(changes));
  }

  std::vector<std::string> published;
  RETURN_IF_ERROR(store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto stored, txn.ListCatalogVersions());
    if (stored.empty()) {  // first publication: keep the bundled history
      for (size_t i = 0; i < bundled_count; ++i) {
        const auto& v = current.versions()[i];
        RETURN_IF_ERROR(
            txn.InsertCatalogVersion({0, v.version, v.effective_from, now, v.document.dump()}));
      }
    }
    ASSIGN_OR_RETURN(auto accounts, txn.ListAccounts());
    for (const auto& [v, changes] : accepted) {
      RETURN_IF_ERROR(
          txn.InsertCatalogVersion({0, v.version, v.effective_from, now, v.document.dump()}));
      published.push_back(v.version);
      if (changes.empty()) continue;
      std::string message = "From " + FormatIso8601(v.effective_from, v.settings.utc_offset_s) +
                            " (catalog " + v.version + "): ";
      for (size_t i = 0; i < changes.size(); ++i) message += (i ? "; " : "") + changes[i];
      for (const auto& a : accounts) {
        if (!a.activated_at) continue;
        if (Status st = txn.InsertNotice(
                {ids_.Next(IdKind::kNotice), a.id, now, "catalog_change", message});
            !st.ok())
          return st;
      }
    }
    return Status::Ok();
  }));
  std::lock_guard<std::mutex> lock(catalog_mu_);
  catalog_.reset();
  return published;
}

Result<std::vector<store::Notice>> BillingService::Notices(const std::string& account) {
  std::vector<store::Notice> out;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto id, ResolveAccountId(txn, account));
    ASSIGN_OR_RETURN(auto list, txn.ListNotices(id));
    out = std::move(list);
    return Status::Ok();
  }));
  return out;
}

}  // namespace kanjian::billing
