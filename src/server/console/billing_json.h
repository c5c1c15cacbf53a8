// The JSON shapes of billing values that the tenant console, the operator
// console and the CLI all print: one writing of each, so a field name
// cannot drift between them (external tools read the CLI's; the consoles'
// pages read theirs). Money is a yuan string with two decimals ("675.00").
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "billing/billing.h"
#include "billing/rules/payment_order.h"
#include "store/store.h"

namespace kanjian::server::console {

// {"Cash","Income","Gift","Total"}
nlohmann::json BalanceJson(const billing::Balance& balance);
// What a purchase or a bill took from each source: {"Cash","Income","Gift","Voucher"}.
nlohmann::json PaidJson(const billing::Payment& paid);
// What a pack refund gave back to each book: {"Cash","Income","Gift"}.
nlohmann::json RefundedJson(const billing::Payment& refunded);
// A bill line or a quote line: {"Action","Quantity","Tier","UnitPrice","Amount"},
// UnitPrice in 元 per thousand calls.
nlohmann::json BillLineJson(const std::string& action, int64_t quantity, int tier,
                            int64_t unit_price_e4, int64_t amount_fen);
nlohmann::json BillLinesJson(const std::vector<store::BillLine>& lines);
// {"VoucherId","Amount","Remaining","ExpiresAt"}: ExpiresAt null when the
// voucher never expires, else `time` of it.
nlohmann::json VoucherJson(const billing::VoucherView& voucher,
                           const std::function<std::string(UnixMicros)>& time);

}  // namespace kanjian::server::console
