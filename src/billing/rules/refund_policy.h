// The no-reason refund of a prepaid pack (docs/billing.md §7) as plain
// rules: RefundPack's transaction loads a RefundCase, asks RefundRefusal,
// and stores RefundLegs. The window is the setting refund_window_days
// (7 by default), the yearly limit refunds_per_year (our rule).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "billing/rules/catalog.h"
#include "billing/rules/payment_order.h"
#include "store/store.h"

namespace kanjian::billing {

// Everything the refund rule looks at.
struct RefundCase {
  store::Pack pack;
  bool account_disabled_for_content = false;  // disabled with reason "content-review"
  int64_t refunds_this_year = 0;              // the account's refunds in RefundYear(now)
  UnixMicros now = 0;
};

// The end (exclusive) of the no-reason refund window of a pack bought at
// `purchased_at`: the start of the local day after the refund_window_days-th
// calendar day after the purchase day (our rule: "the 7th day included").
UnixMicros RefundWindowEnd(UnixMicros purchased_at, const BillingSettings& settings);

// The local calendar year [start, end) holding `now`: refunds_per_year counts in it.
std::pair<UnixMicros, UnixMicros> RefundYear(UnixMicros now, const BillingSettings& settings);

// OK when the pack may be refunded, else the refusal naming its rule,
// checked in this order: PackNotPurchased, AlreadyRefunded,
// AccountDisabledForContent, PackPartiallyUsed, RefundWindowClosed,
// PromotionNoRefund, RefundLimitExceeded.
Status RefundRefusal(const RefundCase& c, const BillingSettings& settings);

// The legs that return what each source paid (`paid`, from the purchase's
// ledger transaction) to that source, and take it back from pack revenue.
// The voucher share is not returned (§7).
std::vector<store::Posting> RefundLegs(const std::string& account_id, const Payment& paid);

// The ledger reason of a refund: "7-day no-reason refund" with the window
// of the settings.
std::string RefundReason(const BillingSettings& settings);

}  // namespace kanjian::billing
