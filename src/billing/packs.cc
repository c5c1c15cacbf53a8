// Packs: monthly free packs, prepaid purchases paid by source, operator
// gifts, listing, and the no-reason refund (docs/billing.md §2, §4, §7).
// The rules are plain functions: pack_rules.h (free packs, promotion
// prices), payment_order.h (who pays), refund_policy.h (refunds); the
// transactions here load, ask the rule, and store.
#include <algorithm>

#include "billing/billing.h"
#include "billing/ledger_util.h"
#include "billing/rules/pack_rules.h"
#include "billing/rules/payment_order.h"
#include "billing/rules/refund_policy.h"

namespace kanjian::billing {

namespace {

// The free groups due to `account` at `at` (docs/billing.md: issued on the
// 1st, or at activation, with the quotas of the version in force then) and
// the month they are due in, [start, end).
struct DueFreePacks {
  const std::vector<FreeGroup>* groups = nullptr;  // null: none due (not active at `at`)
  Month month;
  UnixMicros start = 0, end = 0, issued_at = 0;
};
DueFreePacks FreePacksDue(const Catalog& catalog, const store::Account& account, UnixMicros at) {
  DueFreePacks due;
  if (!account.activated_at || *account.activated_at > at) return due;
  const int offset = catalog.InForceAt(at).settings.utc_offset_s;
  due.month = MonthOf(at, offset);
  due.start = MonthStart(due.month, offset);
  due.end = MonthEnd(due.month, offset);
  due.issued_at = std::max(due.start, *account.activated_at);
  due.groups = &catalog.InForceAt(due.issued_at).free_groups;
  return due;
}

// Whether `packs` (all of the account's) hold every free pack due at `at`:
// then EnsureFreePacks would write nothing.
bool FreePacksIssued(const Catalog& catalog, const store::Account& account,
                     const std::vector<store::Pack>& packs, UnixMicros at) {
  const DueFreePacks due = FreePacksDue(catalog, account, at);
  if (!due.groups) return true;
  for (const FreeGroup& group : *due.groups) {
    const bool found = std::any_of(packs.begin(), packs.end(), [&](const store::Pack& p) {
      return p.kind == store::PackKind::kFree && p.free_group == group.name &&
             p.created_at >= due.start && p.created_at < due.end;
    });
    if (!found) return false;
  }
  return true;
}

}  // namespace

Status BillingService::EnsureFreePacks(store::Txn& txn, const Catalog& catalog,
                                       const store::Account& account, UnixMicros at) {
  const DueFreePacks due = FreePacksDue(catalog, account, at);
  if (!due.groups) return Status::Ok();
  for (const FreeGroup& group : *due.groups) {
    ASSIGN_OR_RETURN(auto existing, txn.FindFreePack(account.id, group.name, due.start, due.end));
    if (existing) continue;
    if (Status s = txn.InsertPack(FreePack(account.id, group, due.month, due.issued_at, due.end));
        !s.ok())
      return s;
  }
  return Status::Ok();
}

Result<Purchase> BillingService::BuyPack(const std::string& account, const std::string& action,
                                         int64_t calls, const std::string& voucher_id,
                                         const std::string& promotion_name,
                                         const std::string& key_in) {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  const std::string key = internal::KeyOrFresh(key_in, ids_);
  const UnixMicros now = clock_.NowMicros();
  const CatalogVersion& version = catalog.InForceAt(now);
  Purchase out;
  Status s = store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto a, txn.FindAccount(account));
    const std::string hash = internal::RequestHash(
        {"purchase", a.id, action, std::to_string(calls), voucher_id, promotion_name});
    ASSIGN_OR_RETURN(auto retry, internal::FindRetry(txn, key, hash));
    if (retry) {  // the first result, not a second charge
      ASSIGN_OR_RETURN(auto pack, txn.FindPack(retry->ref));
      out = {pack, internal::PaymentOf(*retry, a.id)};
      return Status::Ok();
    }
    if (a.status == store::AccountStatus::kDisabled)
      return Status(errc::kStopUsing, "the account is disabled");
    if (a.status != store::AccountStatus::kActive)
      return Status(errc::kAccountNotActive, "activate the service before buying packs");
    const PackSku* sku = version.FindSku(action, calls);
    if (!sku)
      return Status(errc::kSkuNotFound, "no " + std::to_string(calls) + "-call pack for " + action +
                                            " in catalog " + version.version);
    const Promotion* promo = nullptr;
    if (!promotion_name.empty()) {
      promo = version.FindPromotion(promotion_name);
      if (!promo) return Status(errc::kPromotionNotFound, "no promotion '" + promotion_name + "'");
    }
    const PackOffer offer = OfferFor(*sku, promo);

    // Pay in the payment order (payment_order.h).
    std::string voucher_book;
    if (!voucher_id.empty()) {
      auto v = txn.FindVoucher(voucher_id);
      RETURN_IF_ERROR(VoucherUsable(v.ok() ? &*v : nullptr, voucher_id, a.id, now));
      voucher_book = "voucher:" + voucher_id;
    }
    ASSIGN_OR_RETURN(auto books, txn.Balances(a.id));
    PaymentPlan plan = PlanPayment(Payer::kPackPurchase, a.id, offer.price, books,
                                   version.settings.payment_order, voucher_book);
    if (plan.unpaid > 0)
      return Status(errc::kInsufficientBalance, "the pack costs " + FormatYuan(offer.price) +
                                                    " 元; " + FormatYuan(plan.unpaid) +
                                                    " 元 more is needed");
    std::vector<store::Posting> legs = std::move(plan.legs);
    if (offer.price > 0) legs.push_back({kPlatform, "revenue:pack", offer.price});

    store::Pack pack;
    pack.id = ids_.Next(IdKind::kPack);
    pack.account_id = a.id;
    pack.kind = store::PackKind::kPurchased;
    pack.actions = {action};
    pack.calls = calls;
    pack.created_at = now;
    pack.expires_at = AddMonths(now, sku->validity_months, version.settings.utc_offset_s);
    pack.price_fen = offer.price;
    pack.promotion = promotion_name;
    pack.refundable = offer.refundable;
    store::LedgerTxn t{ids_.Next(IdKind::kLedgerTxn),
                       key,
                       hash,
                       a.id,
                       store::LedgerKind::kPurchase,
                       now,
                       pack.id,
                       "",
                       legs};
    pack.purchase_txn = t.id;
    RETURN_IF_ERROR(txn.InsertPack(pack));
    RETURN_IF_ERROR(txn.InsertLedgerTxn(t));
    out = {pack, internal::PaymentOf(t, a.id)};
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<store::Pack> BillingService::GrantPack(const std::string& account, const std::string& action,
                                              int64_t calls, int validity_months,
                                              const std::string& key_in) {
  if (calls <= 0 || validity_months <= 0)
    return Status(errc::kInvalidParameterValue, "calls and validity must be positive");
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  const std::string key = internal::KeyOrFresh(key_in, ids_);
  const UnixMicros now = clock_.NowMicros();
  store::Pack out;
  RETURN_IF_ERROR(store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto id, ResolveAccountId(txn, account));
    const std::string hash = internal::RequestHash(
        {"gift_pack", id, action, std::to_string(calls), std::to_string(validity_months)});
    ASSIGN_OR_RETURN(auto retry, internal::FindRetry(txn, key, hash));
    if (retry) {
      ASSIGN_OR_RETURN(auto pack, txn.FindPack(retry->ref));
      out = pack;
      return Status::Ok();
    }
    out.id = ids_.Next(IdKind::kGiftPack);
    out.account_id = id;
    out.kind = store::PackKind::kGift;
    out.actions = {action};
    out.calls = calls;
    out.created_at = now;
    out.expires_at = AddMonths(now, validity_months, catalog.InForceAt(now).settings.utc_offset_s);
    RETURN_IF_ERROR(txn.InsertPack(out));
    // A zero-value ledger entry keeps the grant idempotent and audited.
    return txn.InsertLedgerTxn({ids_.Next(IdKind::kLedgerTxn),
                                key,
                                hash,
                                id,
                                store::LedgerKind::kPackGrant,
                                now,
                                out.id,
                                "",
                                {}});
  }));
  return out;
}

Result<std::vector<store::Pack>> BillingService::ListPacks(const std::string& account) {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  std::vector<store::Pack> packs;
  const UnixMicros now = clock_.NowMicros();
  // A read, as a list should be; the write only when this month's free packs
  // are still to be issued (the month's first look, or a new free group).
  bool issued = false;
  auto list = [&](store::Txn& txn, bool issue) -> Status {
    ASSIGN_OR_RETURN(auto a, txn.FindAccount(account));
    if (issue) {
      RETURN_IF_ERROR(EnsureFreePacks(txn, catalog, a, now));
    }
    ASSIGN_OR_RETURN(auto all, txn.ListPacks(a.id));
    packs = std::move(all);
    issued = issue || FreePacksIssued(catalog, a, packs, now);
    return Status::Ok();
  };
  Status s = store_.Read([&](store::Txn& txn) { return list(txn, false); });
  if (s.ok() && !issued) s = store_.Write([&](store::Txn& txn) { return list(txn, true); });
  if (!s.ok()) return s;
  return packs;
}

Status BillingService::CheckRefundAllowed(store::Txn& txn, const store::Pack& pack,
                                          const store::Account& account,
                                          const BillingSettings& settings, UnixMicros now) {
  const auto [year_start, year_end] = RefundYear(now, settings);
  ASSIGN_OR_RETURN(auto count, txn.CountLedgerTxns(account.id, store::LedgerKind::kRefund,
                                                   year_start, year_end));
  const bool disabled_for_content = account.status == store::AccountStatus::kDisabled &&
                                    account.disabled_reason == "content-review";
  return billing::RefundRefusal({pack, disabled_for_content, count, now}, settings);
}

UnixMicros BillingService::PackRefundWindowEnd(const store::Pack& pack,
                                               const BillingSettings& settings) {
  return billing::RefundWindowEnd(pack.created_at, settings);
}

Result<Payment> BillingService::RefundPack(const std::string& pack_id) {
  ASSIGN_OR_RETURN(auto catalog, LoadCatalog());
  const UnixMicros now = clock_.NowMicros();
  const BillingSettings& settings = catalog.InForceAt(now).settings;
  Payment refunded;
  Status s = store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto pack, txn.FindPack(pack_id));
    ASSIGN_OR_RETURN(auto account, txn.FindAccount(pack.account_id));
    RETURN_IF_ERROR(CheckRefundAllowed(txn, pack, account, settings, now));

    // Return each source's share to that source; the voucher share is not returned.
    ASSIGN_OR_RETURN(auto all, txn.ListLedgerTxns(account.id));
    const store::LedgerTxn* paid = nullptr;
    for (const auto& t : all) {
      if (t.id == pack.purchase_txn) paid = &t;
    }
    if (!paid)
      return Status(errc::kInternalError, "purchase transaction of " + pack_id + " is missing");
    refunded = PaymentOf(*paid, account.id);
    RETURN_IF_ERROR(txn.MarkPackRefunded(pack_id, now));
    return txn.InsertLedgerTxn({ids_.Next(IdKind::kLedgerTxn), "refund:" + pack_id,
                                internal::RequestHash({"refund", pack_id}), account.id,
                                store::LedgerKind::kRefund, now, pack_id, RefundReason(settings),
                                RefundLegs(account.id, refunded)});
  });
  if (!s.ok()) return s;
  refunded.voucher = 0;  // never returned
  return refunded;
}

}  // namespace kanjian::billing
