// Packs: monthly free packs, prepaid purchases paid by source, operator
// gifts, listing, and the 7-day no-reason refund (docs/billing.md §2, §4, §7).
#include <algorithm>

#include "billing/billing.h"
#include "billing/ledger_util.h"

namespace kanjian::billing {

using internal::kPlatform;

Status BillingService::EnsureFreePacks(store::Txn& txn, const Catalog& catalog,
                                       const store::Account& account, UnixMicros at) {
  if (!account.activated_at || *account.activated_at > at) return Status::Ok();
  const int offset = catalog.InForceAt(at).settings.utc_offset_s;
  const Month month = MonthOf(at, offset);
  const UnixMicros start = MonthStart(month, offset), end = MonthEnd(month, offset);
  // Issued on the 1st, or at activation; quotas of the version in force then.
  const UnixMicros issued_at = std::max(start, *account.activated_at);
  for (const FreeGroup& group : catalog.InForceAt(issued_at).free_groups) {
    auto existing = txn.FindFreePack(account.id, group.name, start, end);
    if (!existing.ok()) return existing.status();
    if (*existing) continue;
    store::Pack pack;
    pack.id = "free-" + account.id.substr(account.id.find('-') + 1) + "-" + month.ToString() + "-" + group.name;
    pack.account_id = account.id;
    pack.kind = "free";
    pack.actions = group.actions;
    pack.free_group = group.name;
    pack.calls = group.quota;
    pack.created_at = issued_at;
    pack.expires_at = end;
    if (Status s = txn.InsertPack(pack); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<Purchase> BillingService::BuyPack(const std::string& account, const std::string& action,
                                         int64_t calls, const std::string& voucher_id,
                                         const std::string& promotion_name, const std::string& key_in) {
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  const std::string key = internal::KeyOrFresh(key_in);
  const UnixMicros now = clock_.NowMicros();
  const CatalogVersion& version = catalog->InForceAt(now);
  Purchase out;
  Status s = store_.Write([&](store::Txn& txn) -> Status {
    auto a = txn.FindAccount(account);
    if (!a.ok()) return a.status();
    const std::string hash = internal::RequestHash(
        {"purchase", a->id, action, std::to_string(calls), voucher_id, promotion_name});
    auto retry = internal::FindRetry(txn, key, hash);
    if (!retry.ok()) return retry.status();
    if (*retry) {  // the first result, not a second charge
      auto pack = txn.FindPack((*retry)->ref);
      if (!pack.ok()) return pack.status();
      out = {*pack, internal::PaymentOf(**retry, a->id)};
      return Status::Ok();
    }
    if (a->status == store::AccountStatus::kDisabled)
      return Status(errc::kStopUsing, "the account is disabled");
    if (a->status != store::AccountStatus::kActive)
      return Status(errc::kAccountNotActive, "activate the service before buying packs");
    const PackSku* sku = version.FindSku(action, calls);
    if (!sku)
      return Status(errc::kSkuNotFound, "no " + std::to_string(calls) + "-call pack for " + action +
                                            " in catalog " + version.version);
    Fen price = sku->price;
    bool refundable = sku->refundable;
    if (!promotion_name.empty()) {
      const Promotion* promo = version.FindPromotion(promotion_name);
      if (!promo) return Status(errc::kPromotionNotFound, "no promotion '" + promotion_name + "'");
      price = (sku->price * (100 - promo->discount_percent) + 50) / 100;
      refundable = refundable && promo->refundable;
    }

    // Pay: each source in the configured order (docs/billing.md §5 "each
    // payment records how much each source paid").
    auto books = txn.Balances(a->id);
    if (!books.ok()) return books.status();
    std::vector<store::Posting> legs;
    Fen due = price;
    for (const std::string& source : version.settings.payment_order) {
      if (due == 0) break;
      std::string book = source;
      if (source == "voucher") {
        if (voucher_id.empty()) continue;
        auto v = txn.FindVoucher(voucher_id);
        if (!v.ok() || v->account_id != a->id)
          return Status(errc::kVoucherUnusable, "voucher " + voucher_id + " is not this account's");
        if (v->expires_at && *v->expires_at <= now)
          return Status(errc::kVoucherUnusable, "voucher " + voucher_id + " has expired");
        book = "voucher:" + voucher_id;
      }
      auto it = books->find(book);
      const Fen available = it == books->end() ? 0 : std::max<Fen>(0, it->second);
      const Fen take = std::min(available, due);
      if (take > 0) {
        legs.push_back({a->id, book, -take});
        due -= take;
      }
    }
    if (due > 0)
      return Status(errc::kInsufficientBalance, "the pack costs " + FormatYuan(price) + " 元; " +
                                                    FormatYuan(due) + " 元 more is needed");
    if (price > 0) legs.push_back({kPlatform, "revenue:pack", price});

    store::Pack pack;
    pack.id = "pack-" + crypto::Hex(crypto::RandomBytes(8));
    pack.account_id = a->id;
    pack.kind = "purchased";
    pack.actions = {action};
    pack.calls = calls;
    pack.created_at = now;
    pack.expires_at = AddMonths(now, sku->validity_months, version.settings.utc_offset_s);
    pack.price_fen = price;
    pack.promotion = promotion_name;
    pack.refundable = refundable;
    store::LedgerTxn t{ids::NewRequestId(), key, hash, a->id, "purchase", now, pack.id, "", legs};
    pack.purchase_txn = t.id;
    if (Status st = txn.InsertPack(pack); !st.ok()) return st;
    if (Status st = txn.InsertLedgerTxn(t); !st.ok()) return st;
    out = {pack, internal::PaymentOf(t, a->id)};
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
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  const std::string key = internal::KeyOrFresh(key_in);
  const UnixMicros now = clock_.NowMicros();
  store::Pack out;
  Status s = store_.Write([&](store::Txn& txn) -> Status {
    auto id = ResolveAccountId(txn, account);
    if (!id.ok()) return id.status();
    const std::string hash = internal::RequestHash(
        {"gift_pack", *id, action, std::to_string(calls), std::to_string(validity_months)});
    auto retry = internal::FindRetry(txn, key, hash);
    if (!retry.ok()) return retry.status();
    if (*retry) {
      auto pack = txn.FindPack((*retry)->ref);
      if (!pack.ok()) return pack.status();
      out = *pack;
      return Status::Ok();
    }
    out.id = "gift-" + crypto::Hex(crypto::RandomBytes(8));
    out.account_id = *id;
    out.kind = "gift";
    out.actions = {action};
    out.calls = calls;
    out.created_at = now;
    out.expires_at = AddMonths(now, validity_months, catalog->InForceAt(now).settings.utc_offset_s);
    if (Status st = txn.InsertPack(out); !st.ok()) return st;
    // A zero-value ledger entry keeps the grant idempotent and audited.
    return txn.InsertLedgerTxn({ids::NewRequestId(), key, hash, *id, "pack_grant", now, out.id, "", {}});
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<store::Pack>> BillingService::ListPacks(const std::string& account) {
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  std::vector<store::Pack> packs;
  Status s = store_.Write([&](store::Txn& txn) -> Status {
    auto a = txn.FindAccount(account);
    if (!a.ok()) return a.status();
    if (Status st = EnsureFreePacks(txn, *catalog, *a, clock_.NowMicros()); !st.ok()) return st;
    auto list = txn.ListPacks(a->id);
    if (!list.ok()) return list.status();
    packs = std::move(list).value();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return packs;
}

Status BillingService::RefundRefusal(store::Txn& txn, const store::Pack& pack,
                                     const store::Account& account, const BillingSettings& settings,
                                     UnixMicros now) {
  // Each refusal names its rule, checked in this order.
  if (pack.kind != "purchased")
    return Status(errc::kPackNotPurchased, "free and gifted packs are not refundable");
  if (pack.refunded_at) return Status(errc::kAlreadyRefunded, "this pack was already refunded");
  if (account.status == store::AccountStatus::kDisabled && account.disabled_reason == "content-review")
    return Status(errc::kAccountDisabledForContent,
                  "accounts disabled for content-review violations cannot refund");
  if (pack.used > 0)
    return Status(errc::kPackPartiallyUsed,
                  std::to_string(pack.used) + " calls of this pack were already consumed");
  if (now >= RefundWindowEnd(pack, settings))
    return Status(errc::kRefundWindowClosed, "the 7-day no-reason refund window has closed");
  if (!pack.refundable)
    return Status(errc::kPromotionNoRefund, "this pack's promotion or SKU does not allow refunds");
  const Month this_year_start{MonthOf(now, settings.utc_offset_s).year, 1};
  auto count = txn.CountLedgerTxns(account.id, "refund", MonthStart(this_year_start, settings.utc_offset_s),
                                   MonthStart({this_year_start.year + 1, 1}, settings.utc_offset_s));
  if (!count.ok()) return count.status();
  if (*count >= settings.refunds_per_year)
    return Status(errc::kRefundLimitExceeded,
                  "no-reason refunds are limited to " + std::to_string(settings.refunds_per_year) +
                      " per account per year");
  return Status::Ok();
}

UnixMicros BillingService::RefundWindowEnd(const store::Pack& pack, const BillingSettings& settings) {
  return StartOfDayAfter(pack.created_at, settings.refund_window_days + 1, settings.utc_offset_s);
}

Result<Payment> BillingService::RefundPack(const std::string& pack_id) {
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return catalog.status();
  const UnixMicros now = clock_.NowMicros();
  const BillingSettings& settings = catalog->InForceAt(now).settings;
  Payment refunded;
  Status s = store_.Write([&](store::Txn& txn) -> Status {
    auto pack = txn.FindPack(pack_id);
    if (!pack.ok()) return pack.status();
    auto account = txn.FindAccount(pack->account_id);
    if (!account.ok()) return account.status();
    if (Status refusal = RefundRefusal(txn, *pack, *account, settings, now); !refusal.ok())
      return refusal;

    // Return each source's share to that source; the voucher share is not returned.
    auto all = txn.ListLedgerTxns(account->id);
    if (!all.ok()) return all.status();
    const store::LedgerTxn* paid = nullptr;
    for (const auto& t : *all) {
      if (t.id == pack->purchase_txn) paid = &t;
    }
    if (!paid) return Status(errc::kInternalError, "purchase transaction of " + pack_id + " is missing");
    refunded = internal::PaymentOf(*paid, account->id);
    std::vector<store::Posting> legs;
    for (auto [book, amount] : {std::pair{"cash", refunded.cash}, std::pair{"income", refunded.income},
                                std::pair{"gift", refunded.gift}}) {
      if (amount > 0) legs.push_back({account->id, book, amount});
    }
    const Fen back = refunded.cash + refunded.income + refunded.gift;
    if (back > 0) legs.push_back({kPlatform, "revenue:pack", -back});
    if (Status st = txn.MarkPackRefunded(pack_id, now); !st.ok()) return st;
    return txn.InsertLedgerTxn({ids::NewRequestId(), "refund:" + pack_id,
                                internal::RequestHash({"refund", pack_id}), account->id, "refund",
                                now, pack_id, "7-day no-reason refund", legs});
  });
  if (!s.ok()) return s;
  refunded.voucher = 0;  // never returned
  return refunded;
}

}  // namespace kanjian::billing
