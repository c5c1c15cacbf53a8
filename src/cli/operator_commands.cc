// kanjian operator add|list|disable|enable|passwd: the operator console's
// sign-ins (/console/operator/), kept apart from tenants' users
// (server/console/users.h, Realm::kOperator). Passwords come on stdin.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "common/error_codes.h"
#include "server/console/users.h"

namespace kanjian::cli {
namespace {

using nlohmann::json;
using server::console::ConsoleUsers;

Result<std::string> ReadPassword() {
  std::string line;
  if (!std::getline(std::cin, line))
    return Status(errc::kMissingParameter, "give the password on stdin (--password-stdin)");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

template <typename Body>
int WithOperators(Context& ctx, Body body) {
  ctx.UseRunningClock();
  auto store = ctx.store();
  if (!store.ok()) return ctx.Fail(store.status());
  ConsoleUsers operators(**store, ctx.clock(), server::console::Realm::kOperator);
  return body(operators);
}

}  // namespace

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
    *rc = WithOperators(ctx, [&](ConsoleUsers& operators) {
      auto password = ReadPassword();
      if (!password.ok()) return ctx.Fail(password.status());
      if (Status s = operators.Add("", f->login, *password); !s.ok()) return ctx.Fail(s);
      return ctx.Print({{"Login", f->login}, {"Status", "enabled"}}, "operator " + f->login + " added");
    });
  });

  auto* list = op->add_subcommand("list", "every operator");
  list->callback([&ctx, rc, f] {
    *rc = WithOperators(ctx, [&](ConsoleUsers& operators) {
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

  for (const char* verb : {"disable", "enable"}) {
    auto* cmd =
        op->add_subcommand(verb, std::string(verb) + " an operator (disabling ends its sessions)");
    cmd->add_option("LOGIN", f->login, "sign-in name")->required();
    const bool enabled = std::string(verb) == "enable";
    cmd->callback([&ctx, rc, enabled, f] {
      *rc = WithOperators(ctx, [&](ConsoleUsers& operators) {
        if (Status s = operators.SetEnabled(f->login, enabled); !s.ok()) return ctx.Fail(s);
        const std::string status = enabled ? "enabled" : "disabled";
        return ctx.Print({{"Login", f->login}, {"Status", status}}, f->login + " " + status);
      });
    });
  }

  auto* passwd = op->add_subcommand("passwd", "set an operator's password (ends its sessions)");
  passwd->add_option("LOGIN", f->login, "sign-in name")->required();
  passwd->add_flag("--password-stdin", f->password_stdin, "read the password from stdin")->required();
  passwd->callback([&ctx, rc, f] {
    *rc = WithOperators(ctx, [&](ConsoleUsers& operators) {
      auto password = ReadPassword();
      if (!password.ok()) return ctx.Fail(password.status());
      if (Status s = operators.SetPassword(f->login, *password); !s.ok()) return ctx.Fail(s);
      return ctx.Print({{"Login", f->login}, {"PasswordChanged", true}}, "password changed");
    });
  });
}

}  // namespace kanjian::cli
