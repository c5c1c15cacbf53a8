// Billing commands: account recharge|disable|enable, voucher grant,
// pack buy|list|refund|grant, usage record|show|detach, bill run|show, quote,
// catalog show|publish, notice list, audit. Money is printed as yuan
// strings with two decimals ("675.00").
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "billing/rules/pricing.h"
#include "cli/commands.h"
#include "common/error_codes.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "server/console/billing_json.h"

namespace kanjian::cli {
namespace {

using billing::FormatYuan;
using nlohmann::json;
using server::console::BalanceJson;
using server::console::BillLineJson;

template <typename Body>
int WithBilling(Context& ctx, Body body) {
  auto billing = ctx.billing();
  if (!billing.ok()) return ctx.Fail(billing.status());
  return body(**billing);
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

json PackJson(const store::Pack& p) {
  return {{"PackId", p.id},
          {"Action", Join(p.actions)},
          {"Calls", p.calls},
          {"Used", p.used},
          {"Remaining", p.refunded_at ? 0 : p.calls - p.used},
          {"Kind", store::ToString(p.kind)},
          {"CreatedAt", FormatTime(p.created_at)},
          {"ExpiresAt", FormatTime(p.expires_at)},
          {"Price", FormatYuan(p.price_fen)},
          {"Refunded", p.refunded_at.has_value()}};
}

Result<billing::Month> MonthArg(const std::string& text) {
  return billing::ParseMonth(text);
}

}  // namespace

void AddBillingCommands(CLI::App& app, Context& ctx, int* rc) {
  // Owned by the callbacks (so by the app), fresh for every parse.
  struct Flags {
    std::string account, action, source = "cash", reason, amount, expires, voucher, promotion, key,
                                 pack_id, month, file;
    int64_t calls = 0, count = 0;
    int validity_months = 12;
    bool budget_off = false;
  };
  auto f = std::make_shared<Flags>();

  // account recharge / disable / enable (the account group exists already).
  CLI::App* acct = app.get_subcommand("account");
  auto* recharge = acct->add_subcommand("recharge", "add funds from a source");
  recharge->add_option("ACCOUNT", f->account)->required();
  recharge->add_option("AMOUNT", f->amount, "yuan, e.g. 100 or 99.50")->required();
  recharge->add_option("--source", f->source, "cash | income | gift")->capture_default_str();
  recharge->add_option("--idempotency-key", f->key, "a retry with the same key changes nothing");
  recharge->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto fen = billing::ParseYuan(f->amount);
      if (!fen.ok()) return ctx.Fail(fen.status());
      auto balance = b.Recharge(f->account, *fen, f->source, f->key);
      if (!balance.ok()) return ctx.Fail(balance.status());
      return ctx.Print({{"Balance", BalanceJson(*balance)}},
                       "balance " + FormatYuan(balance->total()));
    });
  });
  auto* disable = acct->add_subcommand("disable", "stop an account's API access");
  disable->add_option("ACCOUNT", f->account)->required();
  disable->add_option("--reason", f->reason, "content-review | operator")->required();
  disable->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      Status s = b.SetDisabled(f->account, true, f->reason);
      return s.ok() ? ctx.Print({{"Status", "disabled"}}, "disabled") : ctx.Fail(s);
    });
  });
  auto* enable = acct->add_subcommand("enable", "lift an operator disable");
  enable->add_option("ACCOUNT", f->account)->required();
  enable->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      Status s = b.SetDisabled(f->account, false, "");
      return s.ok() ? ctx.Print({{"Status", "enabled"}}, "enabled") : ctx.Fail(s);
    });
  });

  // account budget: the spend guard (docs/tenants/console.md "Spend guard").
  auto* budget = acct->add_subcommand(
      "budget", "monthly post-paid budget (spend guard): set AMOUNT, --off, or show it");
  budget->add_option("ACCOUNT", f->account)->required();
  budget->add_option("AMOUNT", f->amount, "yuan, e.g. 500 or 99.50; 0 forbids post-paid calls");
  budget->add_flag("--off", f->budget_off, "remove the budget (post-paid calls are not capped)");
  budget->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      if (f->budget_off && !f->amount.empty())
        return ctx.Fail(Status(errc::kInvalidParameter, "give AMOUNT or --off, not both"));
      if (f->budget_off || !f->amount.empty()) {
        std::optional<billing::Fen> fen;
        if (!f->budget_off) {
          auto parsed = billing::ParseYuan(f->amount);
          if (!parsed.ok()) return ctx.Fail(parsed.status());
          fen = *parsed;
        }
        if (Status s = b.SetSpendBudget(f->account, fen); !s.ok()) return ctx.Fail(s);
      }
      auto g = b.SpendGuard(f->account);
      if (!g.ok()) return ctx.Fail(g.status());
      const std::string shown = g->budget ? FormatYuan(*g->budget) : "none";
      return ctx.Print({{"Month", g->month},
                        {"Budget", g->budget ? json(FormatYuan(*g->budget)) : json(nullptr)},
                        {"Spent", FormatYuan(g->spent)},
                        {"AlertPercent", g->alert_percent}},
                       "budget " + shown + ", spent " + FormatYuan(g->spent) + " in " + g->month);
    });
  });

  auto* voucher_cmd = app.add_subcommand("voucher", "vouchers (代金券)");
  voucher_cmd->require_subcommand(1);
  auto* grant = voucher_cmd->add_subcommand("grant", "grant a voucher usable for packs");
  grant->add_option("ACCOUNT", f->account)->required();
  grant->add_option("AMOUNT", f->amount)->required();
  grant->add_option("--expires", f->expires, "ISO 8601");
  grant->add_option("--idempotency-key", f->key);
  grant->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto fen = billing::ParseYuan(f->amount);
      if (!fen.ok()) return ctx.Fail(fen.status());
      std::optional<UnixMicros> until;
      if (!f->expires.empty()) {
        auto t = ParseIso8601(f->expires, kDisplayOffsetSeconds);
        if (!t.ok()) return ctx.Fail(t.status());
        until = *t;
      }
      auto id = b.GrantVoucher(f->account, *fen, until, f->key);
      if (!id.ok()) return ctx.Fail(id.status());
      return ctx.Print({{"VoucherId", *id}}, *id);
    });
  });

  auto* pack = app.add_subcommand("pack", "resource packs");
  pack->require_subcommand(1);
  auto* buy = pack->add_subcommand("buy", "buy a prepaid pack");
  buy->add_option("ACCOUNT", f->account)->required();
  buy->add_option("--action", f->action)->required();
  buy->add_option("--calls", f->calls)->required();
  buy->add_option("--voucher", f->voucher);
  buy->add_option("--promotion", f->promotion);
  buy->add_option("--idempotency-key", f->key);
  buy->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto p = b.BuyPack(f->account, f->action, f->calls, f->voucher, f->promotion, f->key);
      if (!p.ok()) return ctx.Fail(p.status());
      return ctx.Print({{"PackId", p->pack.id},
                        {"Price", FormatYuan(p->pack.price_fen)},
                        {"Paid", server::console::PaidJson(p->paid)},
                        {"ExpiresAt", FormatTime(p->pack.expires_at)}},
                       p->pack.id + " " + FormatYuan(p->pack.price_fen));
    });
  });
  auto* gift = pack->add_subcommand("grant", "give a pack (not refundable)");
  gift->add_option("ACCOUNT", f->account)->required();
  gift->add_option("--action", f->action)->required();
  gift->add_option("--calls", f->calls)->required();
  gift->add_option("--months", f->validity_months)->capture_default_str();
  gift->add_option("--idempotency-key", f->key);
  gift->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto p = b.GrantPack(f->account, f->action, f->calls, f->validity_months, f->key);
      return p.ok() ? ctx.Print(PackJson(*p), p->id) : ctx.Fail(p.status());
    });
  });
  auto* list = pack->add_subcommand("list", "every pack of an account");
  list->add_option("ACCOUNT", f->account)->required();
  list->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto packs = b.ListPacks(f->account);
      if (!packs.ok()) return ctx.Fail(packs.status());
      json out = json::array();
      std::string text;
      for (const auto& p : *packs) {
        out.push_back(PackJson(p));
        text += p.id + "  " + std::string(store::ToString(p.kind)) + "  " + Join(p.actions) + "  " +
                std::to_string(p.used) + "/" + std::to_string(p.calls) + "  until " +
                FormatTime(p.expires_at) + "\n";
      }
      return ctx.Print(out, text);
    });
  });
  auto* refund = pack->add_subcommand(
      "refund",
      "no-reason refund of an unused pack (within the catalog's refund_window_days, 7 by default)");
  refund->add_option("PACK_ID", f->pack_id)->required();
  refund->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto r = b.RefundPack(f->pack_id);
      if (!r.ok()) return ctx.Fail(r.status());
      return ctx.Print({{"Refunded", server::console::RefundedJson(*r)}},
                       "refunded " + FormatYuan(r->cash + r->income + r->gift));
    });
  });

  CLI::App* usage = app.get_subcommand("usage");
  auto* record = usage->add_subcommand("record", "import COUNT successful calls at --at");
  record->add_option("ACCOUNT", f->account)->required();
  record->add_option("ACTION", f->action)->required();
  record->add_option("COUNT", f->count)->required()->check(CLI::PositiveNumber);
  record->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto view = b.ViewAccount(f->account);
      if (!view.ok()) return ctx.Fail(view.status());
      const UnixMicros at = ctx.clock().NowMicros();
      if (!view->account.activated_at || *view->account.activated_at > at)
        return ctx.Fail(
            Status(errc::kAccountNotActive, "the service was not activated at that time"));
      billing::BilledCall call{"import-" + ids::NewRequestId(), view->account.id, f->action, at,
                               f->count};
      Status s = b.RecordCalls(std::span(&call, 1));
      if (!s.ok()) return ctx.Fail(s);
      return ctx.Print({{"Recorded", f->count}, {"Action", f->action}},
                       std::to_string(f->count) + " calls recorded");
    });
  });
  auto* show = usage->add_subcommand("show", "a month's usage per action and source");
  show->add_option("ACCOUNT", f->account)->required();
  show->add_option("--month", f->month, "YYYY-MM")->required();
  show->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto m = MonthArg(f->month);
      if (!m.ok()) return ctx.Fail(m.status());
      auto rows = b.UsageForMonth(f->account, *m);
      if (!rows.ok()) return ctx.Fail(rows.status());
      json out = json::array();
      std::string text;
      for (const auto& u : *rows) {
        out.push_back({{"Action", u.action},
                       {"Total", u.total},
                       {"Free", u.free},
                       {"Pack", u.pack},
                       {"Postpaid", u.postpaid}});
        text += u.action + "  total " + std::to_string(u.total) + "  free " +
                std::to_string(u.free) + "  pack " + std::to_string(u.pack) + "  postpaid " +
                std::to_string(u.postpaid) + "\n";
      }
      return ctx.Print(out, text);
    });
  });

  auto* detach = usage->add_subcommand(
      "detach",
      "move a billed UTC month out of the call log (PostgreSQL; docs/operators/postgresql.md)");
  detach->add_option("--month", f->month, "YYYY-MM, UTC")->required();
  detach->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto m = MonthArg(f->month);
      if (!m.ok()) return ctx.Fail(m.status());
      auto done = b.DetachUsageMonth(*m);
      if (!done.ok()) return ctx.Fail(done.status());
      return ctx.Print({{"Month", done->month},
                        {"Table", done->table},
                        {"Records", done->records},
                        {"DetachedAt", FormatIso8601(done->detached_at, kDisplayOffsetSeconds)}},
                       "usage month " + done->month + " (UTC): " + std::to_string(done->records) +
                           " records detached into table " + done->table);
    });
  });

  auto* bill = app.add_subcommand("bill", "monthly settlement");
  bill->require_subcommand(1);
  auto* run = bill->add_subcommand("run", "settle a month for every account (idempotent)");
  run->add_option("--month", f->month, "YYYY-MM")->required();
  run->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto m = MonthArg(f->month);
      if (!m.ok()) return ctx.Fail(m.status());
      const bool tty = ::isatty(STDERR_FILENO);
      auto created = b.RunBills(*m, [tty](int64_t done, int64_t total) {
        if (!tty || total == 0) return;
        const int width = 40, filled = static_cast<int>(width * done / total);
        std::fprintf(stderr, "\r[%s%s] %lld/%lld accounts", std::string(filled, '#').c_str(),
                     std::string(width - filled, ' ').c_str(), static_cast<long long>(done),
                     static_cast<long long>(total));
        if (done == total) std::fprintf(stderr, "\n");
      });
      if (!created.ok()) return ctx.Fail(created.status());
      return ctx.Print({{"Month", m->ToString()}, {"BillsCreated", *created}},
                       std::to_string(*created) + " bills created for " + m->ToString());
    });
  });
  auto* bill_show = bill->add_subcommand("show", "an account's bill for a month");
  bill_show->add_option("ACCOUNT", f->account)->required();
  bill_show->add_option("--month", f->month, "YYYY-MM")->required();
  bill_show->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto m = MonthArg(f->month);
      if (!m.ok()) return ctx.Fail(m.status());
      auto v = b.ShowBill(f->account, *m);
      if (!v.ok()) return ctx.Fail(v.status());
      json lines = json::array();
      std::string text = v->month + " (" + std::string(billing::ToString(v->status)) + ")\n";
      for (const auto& l : v->lines) {
        lines.push_back(BillLineJson(l.action, l.quantity, l.tier, l.unit_price_e4, l.amount_fen));
        text += l.action + "  " + std::to_string(l.quantity) + " calls  tier " +
                std::to_string(l.tier) + "  " + billing::FormatPriceE4(l.unit_price_e4) +
                " 元/千次  " + FormatYuan(l.amount_fen) + "\n";
      }
      text += "total " + FormatYuan(v->total);
      return ctx.Print({{"Month", v->month},
                        {"Lines", lines},
                        {"Total", FormatYuan(v->total)},
                        {"Status", billing::ToString(v->status)}},
                       text);
    });
  });

  auto* quote =
      app.add_subcommand("quote", "post-paid cost of CALLS calls in a month, after the free pack");
  quote->add_option("ACTION", f->action)->required();
  quote->add_option("CALLS", f->calls)->required()->check(CLI::NonNegativeNumber);
  quote->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto catalog = b.LoadCatalog();
      if (!catalog.ok()) return ctx.Fail(catalog.status());
      const auto& version = catalog->InForceAt(ctx.clock().NowMicros());
      if (!version.tiers.count(f->action))
        return ctx.Fail(Status(errc::kInvalidParameterValue, "no prices for " + f->action));
      billing::Quote q = billing::QuoteMonth(version, f->action, f->calls);
      json lines = json::array();
      for (const auto& l : q.lines)
        lines.push_back(BillLineJson(f->action, l.quantity, l.tier, l.unit_price, l.amount));
      json out = {{"Action", f->action},
                  {"Calls", q.calls},
                  {"Free", q.free},
                  {"Postpaid", q.postpaid},
                  {"Lines", lines},
                  {"Amount", FormatYuan(q.total)},
                  {"CatalogVersion", version.version}};
      if (!q.lines.empty()) {
        out["Tier"] = q.lines.back().tier;
        out["UnitPrice"] = billing::FormatPriceE4(q.lines.back().unit_price);
      }
      return ctx.Print(out, FormatYuan(q.total) + " 元");
    });
  });

  auto* catalog = app.add_subcommand("catalog", "price catalog versions");
  catalog->require_subcommand(1);
  auto* cshow = catalog->add_subcommand("show", "versions, and the one in force at --at");
  cshow->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto c = b.LoadCatalog();
      if (!c.ok()) return ctx.Fail(c.status());
      const auto& in_force = c->InForceAt(ctx.clock().NowMicros());
      json versions = json::array();
      std::string text;
      for (const auto& v : c->versions()) {
        versions.push_back({{"Version", v.version},
                            {"EffectiveFrom", FormatTime(v.effective_from)},
                            {"InForce", &v == &in_force}});
        text += v.version + "  from " + FormatTime(v.effective_from) +
                (&v == &in_force ? "  (in force)" : "") + "\n";
      }
      return ctx.Print({{"Versions", versions}, {"InForce", in_force.document}}, text);
    });
  });
  auto* publish =
      catalog->add_subcommand("publish", "publish new catalog version(s) from a JSON file");
  publish->add_option("FILE", f->file)->required();
  publish->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      std::ifstream in(f->file);
      if (!in) return ctx.Fail(Status(errc::kNotFound, "cannot read " + f->file));
      json doc = json::parse(in, nullptr, false);
      if (doc.is_discarded())
        return ctx.Fail(Status(errc::kInvalidConfiguration, f->file + " is not JSON"));
      auto published = b.PublishCatalog(doc);
      if (!published.ok()) return ctx.Fail(published.status());
      return ctx.Print({{"Published", *published}}, "published " + Join(*published));
    });
  });

  auto* notice = app.add_subcommand("notice", "notices sent to accounts");
  notice->require_subcommand(1);
  auto* nlist = notice->add_subcommand("list", "an account's notices");
  nlist->add_option("ACCOUNT", f->account)->required();
  nlist->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto notices = b.Notices(f->account);
      if (!notices.ok()) return ctx.Fail(notices.status());
      json out = json::array();
      std::string text;
      for (const auto& n : *notices) {
        out.push_back({{"NoticeId", n.id},
                       {"At", FormatTime(n.at)},
                       {"Kind", n.kind},
                       {"Message", n.message}});
        text += FormatTime(n.at) + "  " + n.message + "\n";
      }
      return ctx.Print(out, text);
    });
  });

  auto* audit = app.add_subcommand(
      "audit", "re-derive every balance and usage count; exit 1 on any mismatch");
  audit->callback([&ctx, rc, f] {
    *rc = WithBilling(ctx, [&](billing::BillingService& b) {
      auto r = b.Audit();
      if (!r.ok()) return ctx.Fail(r.status());
      std::string text;
      for (const auto& p : r->problems) text += "MISMATCH " + p + "\n";
      text += std::to_string(r->accounts) + " accounts, " + std::to_string(r->ledger_txns) +
              " ledger transactions, " + std::to_string(r->packs) +
              " packs: " + (r->problems.empty() ? "consistent" : "INCONSISTENT");
      ctx.Print({{"Ok", r->problems.empty()},
                 {"Problems", r->problems},
                 {"Accounts", r->accounts},
                 {"LedgerTxns", r->ledger_txns},
                 {"Packs", r->packs}},
                text);
      return r->problems.empty() ? 0 : 1;
    });
  });
}

}  // namespace kanjian::cli
