// What a tenant should be told now (the console's Notices page and badge):
// a pure function of the account's billing state and the clock, so every
// rule below is table-tested (notices_test.cc) and nothing is stored but
// the catalog's own change notices (catalog_service.cc writes those when a
// version is published, 30 days ahead of a lowered quota).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "billing/rules/money.h"
#include "billing/rules/service_state.h"
#include "common/clock.h"
#include "store/store.h"

namespace kanjian::billing {

// How long a stored catalog notice is shown, and how early a pack's expiry.
inline constexpr UnixMicros kCatalogNoticeShownFor = 90 * kMicrosPerDay;
inline constexpr UnixMicros kPackExpiryWarning = 7 * kMicrosPerDay;

struct FreePackFact {
  std::string group;
  int64_t quota = 0, used = 0;
};

// The account's state the notices are derived from.
struct NoticeFacts {
  ServiceState status = ServiceState::kActive;
  Fen balance = 0;                            // total balance; negative in arrears
  std::vector<FreePackFact> free_packs = {};  // this month's
  std::vector<store::Pack> packs = {};        // every pack (free ones are ignored)
  std::vector<store::Notice> stored = {};     // catalog change notices
  std::optional<Fen> budget = std::nullopt;   // spend guard
  Fen spent = 0;                              // this month's post-paid spend
};

// Built with designated initializers naming only what its kind uses; every
// member has an initializer, so the rest need none.
struct TenantNotice {
  // "arrears" | "spend_guard" | "free_pack" | "pack_expiring" | "catalog_change"
  std::string kind = "";
  std::string level = "";       // "critical" | "warning" | "info"
  UnixMicros at = 0;            // when it was issued (stored) or now (a state)
  std::string subject = "";     // free group, pack id or notice id
  int percent = 0;              // threshold reached: free pack 80/100, spend guard 50/80/100
  int64_t used = 0, quota = 0;  // free pack calls; pack calls used/bought
  Fen amount = 0, limit = 0;    // arrears: owed; spend guard: spent of limit (budget)
  UnixMicros expires_at = 0;    // pack_expiring
  std::string action = "";      // pack_expiring: the action it pays for
  std::string message = "";     // catalog_change: the stored text
  UnixMicros since = 0;         // first seen by the alert dispatcher (0 = not recorded)
};

// Every notice that holds at `now`, most urgent first (critical, warning,
// info; then newest first). Rules:
//  - arrears: status "arrears" (critical), amount = what is owed;
//  - spend_guard: a budget and SpendAlertPercent >= 50 (100 critical, 80
//    warning, 50 info);
//  - free_pack: a free pack with a quota at >= 80 % (warning) or 100 %
//    (critical) used;
//  - pack_expiring: a purchased or gift pack, not refunded, with calls left,
//    expiring in (now, now + 7 days] (warning);
//  - catalog_change: a stored catalog notice issued within the last 90 days
//    (info).
std::vector<TenantNotice> ComputeNotices(const NoticeFacts& facts, UnixMicros now);

}  // namespace kanjian::billing
