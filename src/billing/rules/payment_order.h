// The payment order: which of an account's funds pays, and how much each
// source paid (docs/billing.md §5 "each payment records how much each
// source paid"). The order is the setting payment_order (our rule; default
// voucher → gift → income → cash). One function serves both payers: a pack
// purchase and a monthly settlement.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "billing/rules/money.h"
#include "common/clock.h"
#include "store/store.h"

namespace kanjian::billing {

// The owner of the platform's books (revenue, external money, vouchers).
inline constexpr char kPlatform[] = "platform";

// What each source paid (or, for a refund, gets back).
struct Payment {
  Fen cash = 0, income = 0, gift = 0, voucher = 0;
};

enum class Payer { kPackPurchase, kSettlement };

struct PaymentPlan {
  std::vector<store::Posting> legs;  // the account's negative legs, in the order taken
  Fen unpaid = 0;                    // what a purchase's sources could not cover
};

// Takes `due` (>= 0) from the account's `books` (book → balance) in `order`.
//  - kPackPurchase: each source pays at most what it holds (never below 0);
//    "voucher" pays from `voucher_book` ("voucher:<id>", "" = no voucher
//    named). What no source covers is `unpaid`: the purchase is refused.
//  - kSettlement: vouchers pay nothing (they pay packs only, our rule);
//    every other source pays what it holds, and cash, wherever it stands in
//    the order, pays the rest last and may go negative (arrears, §5).
PaymentPlan PlanPayment(Payer payer, const std::string& account_id, Fen due,
                        const std::map<std::string, int64_t>& books,
                        const std::vector<std::string>& order,
                        const std::string& voucher_book = "");

// What each source of `account_id` paid in a ledger transaction (its
// negative legs).
Payment PaymentOf(const store::LedgerTxn& t, const std::string& account_id);

// Whether `voucher` (nullptr: not found) may pay a purchase of `account_id`
// at `now`: OK or VoucherUnusable naming why.
Status VoucherUsable(const store::Voucher* voucher, const std::string& voucher_id,
                     const std::string& account_id, UnixMicros now);

}  // namespace kanjian::billing
