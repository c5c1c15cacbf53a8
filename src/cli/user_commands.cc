// kanjian user add|list|disable|enable|passwd: the tenant console's users, and
// kanjian operator add|list|disable|enable|passwd: the operator console's
// sign-ins (/console/operator/), kept apart from tenants' (server/console/
// auth/console_users.h, Realm::kOperator). Passwords come on stdin, never on the command line.
#include <iostream>
#include <memory>

#include "auth/console_users.h"
#include "cli/commands.h"
#include "common/error_codes.h"

namespace kanjian::cli {
namespace {

using nlohmann::json;

Result<std::string> ReadPasswordFromStdin() {
  std::string line;
  if (!std::getline(std::cin, line))
    return Status(errc::kMissingParameter, "give the password on stdin (--password-stdin)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

using auth::ConsoleUsers;
using auth::Realm;

template <typename Body>
int WithUsers(Context& ctx, Realm realm, Body body) {
  ctx.UseRunningClock();
  auto store = ctx.store();
  if (!store.ok()) return ctx.Fail(store.status());
  ConsoleUsers users(**store, ctx.clock(), realm);
  return body(users);
}

// disable, enable and passwd: the same for both realms. `noun` names one
// sign-in in the help ("a console user", "an operator").
void AddUpkeepCommands(CLI::App* group, Context& ctx, int* rc, Realm realm,
                       const std::string& noun) {
  struct Flags {
    std::string login;
    bool password_stdin = false;
  };
  auto f = std::make_shared<Flags>();
  for (const char* verb : {"disable", "enable"}) {
    auto* cmd = group->add_subcommand(
        verb, std::string(verb) + " " + noun + " (disabling ends its sessions)");
    cmd->add_option("LOGIN", f->login, "sign-in name")->required();
    const bool enabled = std::string(verb) == "enable";
    cmd->callback([&ctx, rc, f, enabled, realm] {
      *rc = WithUsers(ctx, realm, [&](ConsoleUsers& users) {
        if (Status s = users.SetEnabled(f->login, enabled); !s.ok()) return ctx.Fail(s);
        const std::string status = enabled ? "enabled" : "disabled";
        return ctx.Print({{"Login", f->login}, {"Status", status}}, f->login + " " + status);
      });
    });
  }
  auto* passwd = group->add_subcommand("passwd", "set " + noun + "'s password (ends its sessions)");
  passwd->add_option("LOGIN", f->login, "sign-in name")->required();
  passwd->add_flag("--password-stdin", f->password_stdin, "read the password from stdin")
      ->required();
  passwd->callback([&ctx, rc, f, realm] {
    *rc = WithUsers(ctx, realm, [&](ConsoleUsers& users) {
      auto password = ReadPasswordFromStdin();
      if (!password.ok()) return ctx.Fail(password.status());
      if (Status s = users.SetPassword(f->login, *password); !s.ok()) return ctx.Fail(s);
      return ctx.Print({{"Login", f->login}, {"PasswordChanged", true}}, "password changed");
    });
  });
}

}  // namespace

void AddUserCommands(CLI::App& app, Context& ctx, int* rc) {
  auto* user = app.add_subcommand("user", "tenant console users (sign-in to /console/)");
  user->require_subcommand(1);
  // Owned by the callbacks (so by the app), fresh for every parse.
  struct Flags {
    std::string account, login;
    bool password_stdin = false;
  };
  auto f = std::make_shared<Flags>();

  auto* add = user->add_subcommand("add", "create a console user for an account");
  add->add_option("ACCOUNT", f->account, "AccountId or name")->required();
  add->add_option("LOGIN", f->login, "sign-in name")->required();
  add->add_flag("--password-stdin", f->password_stdin, "read the password from stdin")->required();
  add->callback([&ctx, rc, f] {
    *rc = WithUsers(ctx, Realm::kTenant, [&](ConsoleUsers& users) {
      auto password = ReadPasswordFromStdin();
      if (!password.ok()) return ctx.Fail(password.status());
      if (Status s = users.Add(f->account, f->login, *password); !s.ok()) return ctx.Fail(s);
      return ctx.Print({{"Login", f->login}, {"Status", "enabled"}}, "user " + f->login + " added");
    });
  });

  auto* list = user->add_subcommand("list", "console users (of one account, or all)");
  list->add_option("ACCOUNT", f->account, "AccountId or name");
  list->callback([&ctx, rc, f] {
    *rc = WithUsers(ctx, Realm::kTenant, [&](ConsoleUsers& users) {
      auto all = users.List(f->account);
      if (!all.ok()) return ctx.Fail(all.status());
      json out = json::array();
      std::string text;
      for (const auto& u : *all) {
        out.push_back(
            {{"Login", u.login},
             {"AccountId", u.account_id},
             {"Status", u.enabled ? "enabled" : "disabled"},
             {"CreatedAt", FormatTime(u.created_at)},
             {"LockedUntil", u.locked_until ? json(FormatTime(u.locked_until)) : json(nullptr)}});
        text += u.login + "  " + u.account_id + "  " + (u.enabled ? "enabled" : "disabled") + "\n";
      }
      return ctx.Print({{"Users", out}}, text);
    });
  });

  AddUpkeepCommands(user, ctx, rc, Realm::kTenant, "a console user");
}

void AddOperatorCommands(CLI::App& app, Context& ctx, int* rc) {
  auto* op = app.add_subcommand("operator", "operator console sign-ins (/console/operator/)");
  op->require_subcommand(1);
  // Owned by the callbacks (so by the app), fresh for every parse.
  struct Flags {
    std::string login;
    bool password_stdin = false;
  };
  auto f = std::make_shared<Flags>();

  auto* add = op->add_subcommand("add", "create an operator");
  add->add_option("LOGIN", f->login, "sign-in name")->required();
  add->add_flag("--password-stdin", f->password_stdin, "read the password from stdin")->required();
  add->callback([&ctx, rc, f] {
    *rc = WithUsers(ctx, Realm::kOperator, [&](ConsoleUsers& operators) {
      auto password = ReadPasswordFromStdin();
      if (!password.ok()) return ctx.Fail(password.status());
      if (Status s = operators.Add("", f->login, *password); !s.ok()) return ctx.Fail(s);
      return ctx.Print({{"Login", f->login}, {"Status", "enabled"}},
                       "operator " + f->login + " added");
    });
  });

  auto* list = op->add_subcommand("list", "every operator");
  list->callback([&ctx, rc, f] {
    *rc = WithUsers(ctx, Realm::kOperator, [&](ConsoleUsers& operators) {
      auto all = operators.List("");
      if (!all.ok()) return ctx.Fail(all.status());
      json out = json::array();
      std::string text;
      for (const auto& u : *all) {
        out.push_back(
            {{"Login", u.login},
             {"Status", u.enabled ? "enabled" : "disabled"},
             {"CreatedAt", FormatTime(u.created_at)},
             {"LockedUntil", u.locked_until ? json(FormatTime(u.locked_until)) : json(nullptr)}});
        text += u.login + "  " + (u.enabled ? "enabled" : "disabled") + "\n";
      }
      return ctx.Print({{"Operators", out}}, text);
    });
  });

  AddUpkeepCommands(op, ctx, rc, Realm::kOperator, "an operator");
}

}  // namespace kanjian::cli
