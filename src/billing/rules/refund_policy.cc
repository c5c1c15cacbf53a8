#include "billing/rules/refund_policy.h"

#include "billing/rules/calendar.h"
#include "common/error_codes.h"

namespace kanjian::billing {

UnixMicros RefundWindowEnd(UnixMicros purchased_at, const BillingSettings& settings) {
  return StartOfDayAfter(purchased_at, settings.refund_window_days + 1, settings.utc_offset_s);
}

std::pair<UnixMicros, UnixMicros> RefundYear(UnixMicros now, const BillingSettings& settings) {
  const int year = MonthOf(now, settings.utc_offset_s).year;
  return {MonthStart({year, 1}, settings.utc_offset_s),
          MonthStart({year + 1, 1}, settings.utc_offset_s)};
}

Status RefundRefusal(const RefundCase& c, const BillingSettings& settings) {
  const store::Pack& pack = c.pack;
  if (pack.kind != store::PackKind::kPurchased)
    return Status(errc::kPackNotPurchased, "free and gifted packs are not refundable");
  if (pack.refunded_at) return Status(errc::kAlreadyRefunded, "this pack was already refunded");
  if (c.account_disabled_for_content)
    return Status(errc::kAccountDisabledForContent,
                  "accounts disabled for content-review violations cannot refund");
  if (pack.used > 0)
    return Status(errc::kPackPartiallyUsed,
                  std::to_string(pack.used) + " calls of this pack were already consumed");
  if (c.now >= RefundWindowEnd(pack.created_at, settings))
    return Status(errc::kRefundWindowClosed, "the " + std::to_string(settings.refund_window_days) +
                                                 "-day no-reason refund window has closed");
  if (!pack.refundable)
    return Status(errc::kPromotionNoRefund, "this pack's promotion or SKU does not allow refunds");
  if (c.refunds_this_year >= settings.refunds_per_year)
    return Status(errc::kRefundLimitExceeded, "no-reason refunds are limited to " +
                                                  std::to_string(settings.refunds_per_year) +
                                                  " per account per year");
  return Status::Ok();
}

std::vector<store::Posting> RefundLegs(const std::string& account_id, const Payment& paid) {
  std::vector<store::Posting> legs;
  for (auto [book, amount] : {std::pair{"cash", paid.cash}, std::pair{"income", paid.income},
                              std::pair{"gift", paid.gift}}) {
    if (amount > 0) legs.push_back({account_id, book, amount});
  }
  // Each share is at most the pack's price, so the sum cannot overflow.
  const Fen back = paid.cash + paid.income + paid.gift;
  if (back > 0) legs.push_back({kPlatform, "revenue:pack", -back});
  return legs;
}

std::string RefundReason(const BillingSettings& settings) {
  return std::to_string(settings.refund_window_days) + "-day no-reason refund";
}

}  // namespace kanjian::billing
