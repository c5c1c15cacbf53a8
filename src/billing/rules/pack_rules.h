// What a pack is when it is issued or sold (docs/billing.md §2, §4): the
// month's free pack of a group, and a SKU's price and refundability under a
// promotion. Plain values in, plain values out; packs.cc loads and stores.
#pragma once

#include <string>

#include "billing/rules/calendar.h"
#include "billing/rules/catalog.h"
#include "store/store.h"

namespace kanjian::billing {

struct PackOffer {
  Fen price = 0;
  bool refundable = false;
};

// The price and refundability of `sku` bought under `promotion` (nullptr:
// none): the promotion's discount rounds half-up to the fen (DiscountedPrice);
// "no refund" on either the SKU or the promotion wins (§7).
PackOffer OfferFor(const PackSku& sku, const Promotion* promotion);

// The free pack of `group` for `account_id`'s `month`, issued at `issued_at`
// (the 1st, or activation if later) and expiring at `month_end`. Its id is
// derived from account, month and group, so issuing it twice collides.
store::Pack FreePack(const std::string& account_id, const FreeGroup& group, Month month,
                     UnixMicros issued_at, UnixMicros month_end);

}  // namespace kanjian::billing
