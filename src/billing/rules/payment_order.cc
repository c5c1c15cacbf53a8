#include "billing/rules/payment_order.h"

#include <algorithm>

#include "common/error_codes.h"

namespace kanjian::billing {

PaymentPlan PlanPayment(Payer payer, const std::string& account_id, Fen due,
                        const std::map<std::string, int64_t>& books,
                        const std::vector<std::string>& order, const std::string& voucher_book) {
  PaymentPlan plan;
  const bool settling = payer == Payer::kSettlement;
  for (const std::string& source : order) {
    if (due == 0) break;
    if (source == "voucher" && (settling || voucher_book.empty())) continue;
    if (source == "cash" && settling) continue;  // last, below
    const std::string& book = source == "voucher" ? voucher_book : source;
    auto it = books.find(book);
    const Fen take = std::min(due, it == books.end() ? 0 : std::max<Fen>(0, it->second));
    if (take > 0) {
      plan.legs.push_back({account_id, book, -take});
      due -= take;
    }
  }
  if (settling && due > 0) {
    plan.legs.push_back({account_id, "cash", -due});
    due = 0;
  }
  plan.unpaid = due;
  return plan;
}

Payment PaymentOf(const store::LedgerTxn& t, const std::string& account_id) {
  Payment p;
  for (const auto& leg : t.postings) {
    if (leg.owner != account_id || leg.amount_fen >= 0) continue;
    const Fen paid = -leg.amount_fen;
    if (leg.book == "cash")
      p.cash += paid;
    else if (leg.book == "income")
      p.income += paid;
    else if (leg.book == "gift")
      p.gift += paid;
    else if (leg.book.rfind("voucher:", 0) == 0)
      p.voucher += paid;
  }
  return p;
}

Status VoucherUsable(const store::Voucher* voucher, const std::string& voucher_id,
                     const std::string& account_id, UnixMicros now) {
  if (!voucher || voucher->account_id != account_id)
    return Status(errc::kVoucherUnusable, "voucher " + voucher_id + " is not this account's");
  if (voucher->expires_at && *voucher->expires_at <= now)
    return Status(errc::kVoucherUnusable, "voucher " + voucher_id + " has expired");
  return Status::Ok();
}

}  // namespace kanjian::billing
