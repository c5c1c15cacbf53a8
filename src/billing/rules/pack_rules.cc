#include "billing/rules/pack_rules.h"

namespace kanjian::billing {

PackOffer OfferFor(const PackSku& sku, const Promotion* promotion) {
  if (!promotion) return {sku.price, sku.refundable};
  return {DiscountedPrice(sku.price, promotion->discount_percent),
          sku.refundable && promotion->refundable};
}

store::Pack FreePack(const std::string& account_id, const FreeGroup& group, Month month,
                     UnixMicros issued_at, UnixMicros month_end) {
  store::Pack pack;
  pack.id = "free-" + account_id.substr(account_id.find('-') + 1) + "-" + month.ToString() + "-" +
            group.name;
  pack.account_id = account_id;
  pack.kind = store::PackKind::kFree;
  pack.actions = group.actions;
  pack.free_group = group.name;
  pack.calls = group.quota;
  pack.created_at = issued_at;
  pack.expires_at = month_end;
  return pack;
}

}  // namespace kanjian::billing
