// kanjian account create|activate|show|key {list,create,disable,enable,rotate}
#include "cli/commands.h"
#include "server/console/billing_json.h"

namespace kanjian::cli {
namespace {

using nlohmann::json;

json AccountJson(const store::Account& a) {
  return {{"AccountId", a.id},
          {"Name", a.name},
          {"Status", std::string(store::ToString(a.status))},
          {"CreatedAt", FormatTime(a.created_at)},
          {"ActivatedAt", a.activated_at ? json(FormatTime(*a.activated_at)) : json(nullptr)}};
}

// Runs `body` with the account service, mapping setup failures to an exit code.
// `needs_master_key`: the command seals or opens a SecretKey.
template <typename Body>
int WithAccounts(Context& ctx, bool needs_master_key, Body body) {
  auto accounts = needs_master_key ? ctx.accounts() : ctx.accounts_without_key();
  if (!accounts.ok()) return ctx.Fail(accounts.status());
  return body(**accounts);
}

}  // namespace

void AddAccountCommands(CLI::App& app, Context& ctx, int* rc) {
  auto* account = app.add_subcommand("account", "accounts and their API keys");
  account->require_subcommand(1);
  // Owned by the callbacks (so by the app), fresh for every parse.
  struct Flags {
    std::string name, secret_id;
  };
  auto f = std::make_shared<Flags>();

  auto* create = account->add_subcommand("create", "create an account and its first key");
  create->add_option("NAME", f->name, "unique account name")->required();
  create->callback([&ctx, rc, f] {
    *rc = WithAccounts(ctx, /*needs_master_key=*/true, [&](billing::AccountService& accounts) {
      auto created = accounts.Create(f->name);
      if (!created.ok()) return ctx.Fail(created.status());
      return ctx.Print({{"AccountId", created->account_id},
                        {"SecretId", created->key.secret_id},
                        {"SecretKey", created->key.secret_key}},
                       "AccountId " + created->account_id + "\nSecretId  " +
                           created->key.secret_id + "\nSecretKey " + created->key.secret_key +
                           "\n(the SecretKey is shown only now)");
    });
  });

  auto* activate = account->add_subcommand("activate", "activate the tiia service");
  activate->add_option("ACCOUNT", f->name, "AccountId or name")->required();
  activate->callback([&ctx, rc, f] {
    *rc = WithAccounts(ctx, /*needs_master_key=*/false, [&](billing::AccountService& accounts) {
      auto a = accounts.Activate(f->name);
      if (!a.ok()) return ctx.Fail(a.status());
      return ctx.Print(AccountJson(*a), a->id + " active");
    });
  });

  auto* show = account->add_subcommand("show", "status, balance by source, vouchers");
  show->add_option("ACCOUNT", f->name, "AccountId or name")->required();
  show->callback([&ctx, rc, f] {
    auto billing = ctx.billing();
    if (!billing.ok()) {
      *rc = ctx.Fail(billing.status());
      return;
    }
    auto v = (*billing)->ViewAccount(f->name);
    if (!v.ok()) {
      *rc = ctx.Fail(v.status());
      return;
    }
    json out = AccountJson(v->account);
    out["Status"] =
        std::string(billing::ToString(v->status));  // active | arrears | disabled | inactive
    if (!v->account.disabled_reason.empty()) out["DisabledReason"] = v->account.disabled_reason;
    out["Balance"] = server::console::BalanceJson(v->balance);
    out["Vouchers"] = json::array();
    for (const auto& vc : v->vouchers)
      out["Vouchers"].push_back(server::console::VoucherJson(vc, FormatTime));
    *rc = ctx.Print(out, out.dump(2));
  });

  auto* key = account->add_subcommand("key", "API keys");
  key->require_subcommand(1);
  auto* list = key->add_subcommand("list", "list an account's keys (never the secrets)");
  list->add_option("ACCOUNT", f->name, "AccountId or name")->required();
  list->callback([&ctx, rc, f] {
    *rc = WithAccounts(ctx, /*needs_master_key=*/false, [&](billing::AccountService& accounts) {
      auto keys = accounts.ListKeys(f->name);
      if (!keys.ok()) return ctx.Fail(keys.status());
      json out = json::array();
      std::string text;
      for (const auto& k : *keys) {
        const char* status = k.enabled ? "enabled" : "disabled";
        out.push_back({{"SecretId", k.secret_id},
                       {"Status", status},
                       {"CreatedAt", FormatTime(k.created_at)}});
        text += k.secret_id + "  " + status + "  " + FormatTime(k.created_at) + "\n";
      }
      return ctx.Print({{"Keys", out}}, text);
    });
  });

  auto print_key = [&ctx](const auth::NewKey& k) {
    return ctx.Print({{"SecretId", k.secret_id}, {"SecretKey", k.secret_key}},
                     "SecretId  " + k.secret_id + "\nSecretKey " + k.secret_key);
  };
  auto* key_create = key->add_subcommand("create", "add a key to an account");
  key_create->add_option("ACCOUNT", f->name, "AccountId or name")->required();
  key_create->callback([&ctx, rc, f, print_key] {
    *rc = WithAccounts(ctx, /*needs_master_key=*/true, [&](billing::AccountService& accounts) {
      auto k = accounts.CreateKey(f->name);
      return k.ok() ? print_key(*k) : ctx.Fail(k.status());
    });
  });
  auto* rotate = key->add_subcommand("rotate", "replace a key: new key enabled, old key disabled");
  rotate->add_option("SECRET_ID", f->secret_id)->required();
  rotate->callback([&ctx, rc, f, print_key] {
    *rc = WithAccounts(ctx, /*needs_master_key=*/true, [&](billing::AccountService& accounts) {
      auto k = accounts.RotateKey(f->secret_id);
      return k.ok() ? print_key(*k) : ctx.Fail(k.status());
    });
  });
  for (bool enable : {false, true}) {
    auto* toggle = key->add_subcommand(enable ? "enable" : "disable",
                                       enable ? "re-enable a key" : "disable a key at once");
    toggle->add_option("SECRET_ID", f->secret_id)->required();
    toggle->callback([&ctx, rc, f, enable] {
      *rc = WithAccounts(ctx, /*needs_master_key=*/false, [&](billing::AccountService& accounts) {
        Status s = enable ? accounts.EnableKey(f->secret_id) : accounts.DisableKey(f->secret_id);
        if (!s.ok()) return ctx.Fail(s);
        return ctx.Print({{"SecretId", f->secret_id}, {"Status", enable ? "enabled" : "disabled"}},
                         f->secret_id + (enable ? " enabled" : " disabled"));
      });
    });
  }
}

}  // namespace kanjian::cli
