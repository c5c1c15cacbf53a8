// kanjian user add|list|disable|enable|passwd: the tenant console's users
// (server/console/users.h). Passwords come on stdin, never on the command line.
#include <iostream>

#include "cli/commands.h"
#include "common/error_codes.h"
#include "server/console/users.h"

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

template <typename Body>
int WithUsers(Context& ctx, Body body) {
  ctx.UseRunningClock();
  auto store = ctx.store();
  if (!store.ok()) return ctx.Fail(store.status());
  server::console::ConsoleUsers users(**store, ctx.clock());
  return body(users);
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
    *rc = WithUsers(ctx, [&](server::console::ConsoleUsers& users) {
      auto password = ReadPasswordFromStdin();
      if (!password.ok()) return ctx.Fail(password.status());
      if (Status s = users.Add(f->account, f->login, *password); !s.ok()) return ctx.Fail(s);
      return ctx.Print({{"Login", f->login}, {"Status", "enabled"}}, "user " + f->login + " added");
    });
  });

  auto* list = user->add_subcommand("list", "console users (of one account, or all)");
  list->add_option("ACCOUNT", f->account, "AccountId or name");
  list->callback([&ctx, rc, f] {
    *rc = WithUsers(ctx, [&](server::console::ConsoleUsers& users) {
      auto all = users.List(f->account);
      if (!all.ok()) return ctx.Fail(all.status());
      json out = json::array();
      std::string text;
      for (const auto& u : *all) {
        out.push_back({{"Login", u.login}, {"AccountId", u.account_id},
                       {"Status", u.enabled ? "enabled" : "disabled"}, {"CreatedAt", FormatTime(u.created_at)},
                       {"LockedUntil", u.locked_until ? json(FormatTime(u.locked_until)) : json(nullptr)}});
        text += u.login + "  " + u.account_id + "  " + (u.enabled ? "enabled" : "disabled") + "\n";
      }
      return ctx.Print({{"Users", out}}, text);
    });
  });

  for (const char* verb : {"disable", "enable"}) {
    auto* cmd = user->add_subcommand(verb, std::string(verb) + " a console user (disabling ends its sessions)");
    cmd->add_option("LOGIN", f->login, "sign-in name")->required();
    const bool enabled = std::string(verb) == "enable";
    cmd->callback([&ctx, rc, f, enabled] {
      *rc = WithUsers(ctx, [&](server::console::ConsoleUsers& users) {
        if (Status s = users.SetEnabled(f->login, enabled); !s.ok()) return ctx.Fail(s);
        const std::string status = enabled ? "enabled" : "disabled";
        return ctx.Print({{"Login", f->login}, {"Status", status}}, f->login + " " + status);
      });
    });
  }

  auto* passwd = user->add_subcommand("passwd", "set a console user's password (ends its sessions)");
  passwd->add_option("LOGIN", f->login, "sign-in name")->required();
  passwd->add_flag("--password-stdin", f->password_stdin, "read the password from stdin")->required();
  passwd->callback([&ctx, rc, f] {
    *rc = WithUsers(ctx, [&](server::console::ConsoleUsers& users) {
      auto password = ReadPasswordFromStdin();
      if (!password.ok()) return ctx.Fail(password.status());
      if (Status s = users.SetPassword(f->login, *password); !s.ok()) return ctx.Fail(s);
      return ctx.Print({{"Login", f->login}, {"PasswordChanged", true}}, "password changed");
    });
  });
}

}  // namespace kanjian::cli
