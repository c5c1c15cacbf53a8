// kanjian alert show|set|off ACCOUNT: a tenant's alert subscription and its
// last deliveries (docs/tenants/alerts.md), what the console's Notices page
// shows and sets, for the operator.
#include <sstream>

#include "billing/alerts/alert_service.h"
#include "cli/commands.h"
#include "common/error_codes.h"

namespace kanjian::cli {
namespace {

using nlohmann::json;

struct Flags {
  std::string account, email, webhook, language = "en";
  std::vector<std::string> kinds;
  bool new_secret = false;
};

// Runs `body` with the account's id and an AlertService.
template <typename Body>
int WithAlerts(Context& ctx, const std::string& account, Body body) {
  auto billing = ctx.billing();
  if (!billing.ok()) return ctx.Fail(billing.status());
  // Webhook secrets are sealed under the master key.
  if (auto keyed = ctx.accounts(); !keyed.ok()) return ctx.Fail(keyed.status());
  auto store = ctx.store();
  if (!store.ok()) return ctx.Fail(store.status());
  auto found = (*store)->FindAccount(account);
  if (!found.ok()) return ctx.Fail(found.status());
  billing::TenantView view(**billing);
  billing::AlertService alerts(**store, view, *ctx.master_box(), ctx.clock(), {});
  return body(alerts, found->id);
}

int Show(Context& ctx, billing::AlertService& alerts, const std::string& id) {
  auto sub = alerts.Subscription(id);
  if (!sub.ok()) return ctx.Fail(sub.status());
  auto log = alerts.Deliveries(id, 20);
  if (!log.ok()) return ctx.Fail(log.status());
  json subscription = nullptr;
  std::ostringstream text;
  if (*sub) {
    const auto& s = **sub;
    subscription = {{"Email", s.email},       {"WebhookUrl", s.webhook_url},
                    {"Secret", s.secret},     {"Kinds", s.kinds},
                    {"Language", s.language}, {"UpdatedAt", FormatTime(s.updated_at)}};
    text << "e-mail " << (s.email.empty() ? "(none)" : s.email) << ", webhook "
         << (s.webhook_url.empty() ? "(none)" : s.webhook_url) << ", kinds "
         << (s.kinds.empty() ? "all" : store::JoinKinds(s.kinds)) << "\n";
  } else {
    text << "no alert subscription\n";
  }
  json deliveries = json::array();
  for (const auto& d : *log) {
    deliveries.push_back({{"Id", d.id},
                          {"CreatedAt", FormatTime(d.created_at)},
                          {"Kind", d.kind},
                          {"Channel", d.channel},
                          {"Target", d.target},
                          {"Status", d.status},
                          {"Attempts", d.attempts},
                          {"Log", json::parse(d.log, nullptr, false)}});
    text << FormatTime(d.created_at) << "  " << d.channel << "  " << d.kind << "  " << d.status
         << " after " << d.attempts << " attempt(s)\n";
  }
  std::string shown = text.str();
  shown.pop_back();
  return ctx.Print({{"Subscription", subscription}, {"Deliveries", deliveries}}, shown);
}

}  // namespace

void AddAlertCommands(CLI::App& app, Context& ctx, int* rc) {
  auto* alert = app.add_subcommand("alert", "tenants' alert subscriptions (e-mail, webhook)");
  alert->require_subcommand(1);
  auto f = std::make_shared<Flags>();

  auto* show = alert->add_subcommand("show", "the subscription and its last deliveries");
  show->add_option("ACCOUNT", f->account, "AccountId or name")->required();
  show->callback([&ctx, rc, f] {
    *rc = WithAlerts(ctx, f->account, [&](billing::AlertService& a, const std::string& id) {
      return Show(ctx, a, id);
    });
  });

  auto* set = alert->add_subcommand("set", "subscribe an e-mail address and/or a webhook");
  set->add_option("ACCOUNT", f->account, "AccountId or name")->required();
  set->add_option("--email", f->email, "e-mail address");
  set->add_option("--webhook", f->webhook, "webhook URL (http:// or https://)");
  set->add_option("--kind", f->kinds, "a notice kind wanted (repeatable; none = all)");
  set->add_option("--language", f->language, "of the e-mail: en or zh-CN")->capture_default_str();
  set->add_flag("--new-secret", f->new_secret, "replace the webhook's signing secret");
  set->callback([&ctx, rc, f] {
    *rc = WithAlerts(ctx, f->account, [&](billing::AlertService& a, const std::string& id) {
      if (f->email.empty() && f->webhook.empty())
        return ctx.Fail(Status(errc::kMissingParameter, "give --email and/or --webhook"));
      auto r = a.Subscribe(id, {f->email, f->webhook, f->language, f->kinds, f->new_secret});
      return r.ok() ? Show(ctx, a, id) : ctx.Fail(r.status());
    });
  });

  auto* off = alert->add_subcommand("off", "remove the subscription (the log stays)");
  off->add_option("ACCOUNT", f->account, "AccountId or name")->required();
  off->callback([&ctx, rc, f] {
    *rc = WithAlerts(ctx, f->account, [&](billing::AlertService& a, const std::string& id) {
      auto r = a.Subscribe(id, {});
      return r.ok() ? Show(ctx, a, id) : ctx.Fail(r.status());
    });
  });
}

}  // namespace kanjian::cli
