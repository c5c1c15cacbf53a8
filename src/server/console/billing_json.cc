#include "server/console/billing_json.h"

#include "billing/rules/money.h"

namespace kanjian::server::console {

using billing::FormatYuan;
using nlohmann::json;

json BalanceJson(const billing::Balance& b) {
  return {{"Cash", FormatYuan(b.cash)},
          {"Income", FormatYuan(b.income)},
          {"Gift", FormatYuan(b.gift)},
          {"Total", FormatYuan(b.total())}};
}

json PaidJson(const billing::Payment& p) {
  return {{"Cash", FormatYuan(p.cash)},
          {"Income", FormatYuan(p.income)},
          {"Gift", FormatYuan(p.gift)},
          {"Voucher", FormatYuan(p.voucher)}};
}

json RefundedJson(const billing::Payment& r) {
  return {
      {"Cash", FormatYuan(r.cash)}, {"Income", FormatYuan(r.income)}, {"Gift", FormatYuan(r.gift)}};
}

json BillLineJson(const std::string& action, int64_t quantity, int tier, int64_t unit_price_e4,
                  int64_t amount_fen) {
  return {{"Action", action},
          {"Quantity", quantity},
          {"Tier", tier},
          {"UnitPrice", billing::FormatPriceE4(unit_price_e4)},
          {"Amount", FormatYuan(amount_fen)}};
}

json BillLinesJson(const std::vector<store::BillLine>& lines) {
  json out = json::array();
  for (const auto& l : lines)
    out.push_back(BillLineJson(l.action, l.quantity, l.tier, l.unit_price_e4, l.amount_fen));
  return out;
}

json VoucherJson(const billing::VoucherView& v,
                 const std::function<std::string(UnixMicros)>& time) {
  return {{"VoucherId", v.id},
          {"Amount", FormatYuan(v.amount)},
          {"Remaining", FormatYuan(v.remaining)},
          {"ExpiresAt", v.expires_at ? json(time(*v.expires_at)) : json(nullptr)}};
}

}  // namespace kanjian::server::console
