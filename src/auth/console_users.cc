#include "auth/console_users.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <regex>

#include "auth/password.h"
#include "common/crypto.h"
#include "common/error_codes.h"

namespace kanjian::auth {
namespace {

std::string TokenHash(const std::string& cookie) {
  return crypto::Hex(crypto::Sha256(cookie));
}

Status InvalidCredentials() {
  return Status(errc::kInvalidCredentials, "wrong login or password");
}

// Verified against when the login does not exist, so an unknown login
// costs the same time as a wrong password.
const std::string& DummyHash() {
  static const std::string hash = *password::Hash("kanjian-no-such-user");
  return hash;
}

}  // namespace

Status ConsoleUsers::CheckPassword(const std::string& password) {
  if (password.size() < 10 || password.size() > 256)
    return Status(errc::kInvalidParameterValue, "a password has 10 to 256 characters");
  return Status::Ok();
}

Status ConsoleUsers::Add(const std::string& account, const std::string& login,
                         const std::string& password) {
  static const std::regex kLogin("[A-Za-z0-9._@-]{3,64}");
  if (!std::regex_match(login, kLogin))
    return Status(errc::kInvalidParameterValue,
                  "a login has 3 to 64 characters: letters, digits and . _ @ -");
  RETURN_IF_ERROR(CheckPassword(password));
  ASSIGN_OR_RETURN(auto hash, password::Hash(password));
  return store_.Write([&](store::Txn& txn) -> Status {
    if (realm_ == Realm::kOperator) {
      if (!account.empty())
        return Status(errc::kInvalidParameterValue, "an operator belongs to no account");
      return txn.InsertUser(realm_, {login, "", hash, true, clock_.NowMicros(), 0, 0});
    }
    ASSIGN_OR_RETURN(auto a, txn.FindAccount(account));
    return txn.InsertUser(realm_, {login, a.id, hash, true, clock_.NowMicros(), 0, 0});
  });
}

Result<std::vector<store::ConsoleUser>> ConsoleUsers::List(const std::string& account) {
  std::vector<store::ConsoleUser> out;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    if (realm_ == Realm::kOperator) {
      ASSIGN_OR_RETURN(auto ops, txn.ListUsers(realm_, ""));
      out = std::move(ops);
      return Status::Ok();
    }
    std::string id;
    if (!account.empty()) {
      ASSIGN_OR_RETURN(auto a, txn.FindAccount(account));
      id = a.id;
    }
    ASSIGN_OR_RETURN(auto users, txn.ListUsers(realm_, id));
    out = std::move(users);
    return Status::Ok();
  }));
  return out;
}

Status ConsoleUsers::SetEnabled(const std::string& login, bool enabled) {
  return store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto u, txn.FindUser(realm_, login));
    u.enabled = enabled;
    u.failed_logins = 0;
    u.locked_until = 0;
    RETURN_IF_ERROR(txn.UpdateUser(realm_, u));
    return enabled ? Status::Ok() : txn.DeleteSessionsOf(realm_, login);
  });
}

Status ConsoleUsers::SetPassword(const std::string& login, const std::string& password) {
  RETURN_IF_ERROR(CheckPassword(password));
  ASSIGN_OR_RETURN(auto hash, password::Hash(password));
  return store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto u, txn.FindUser(realm_, login));
    u.password_hash = hash;
    u.failed_logins = 0;
    u.locked_until = 0;
    RETURN_IF_ERROR(txn.UpdateUser(realm_, u));
    return txn.DeleteSessionsOf(realm_, login);
  });
}

Status ConsoleUsers::Failed(const std::string& login, const std::string& address, UnixMicros now) {
  const SignInThrottle::Failure f = throttle_.Failed(login, address, now);
  if (f.started == SignInThrottle::Lock::kNone) return InvalidCredentials();
  const bool whole_login = f.started == SignInThrottle::Lock::kLogin;
  const std::string shown = login.substr(0, 64);
  const std::string target = (realm_ == Realm::kOperator ? "operator:" : "tenant:") + shown;
  const nlohmann::json detail = {{"Peer", address},
                                 {"Scope", whole_login ? "login" : "address"},
                                 {"Failures", f.failures},
                                 {"WaitSeconds", (f.wait_micros + 999'999) / 1'000'000}};
  const std::string text = detail.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  spdlog::warn(
      R"({{"Event":"sign-in-throttled","Target":{},"Detail":{}}})",
      nlohmann::json(target).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), text);
  Status logged = store_.Write([&](store::Txn& txn) {
    return txn.InsertOperatorAction(
        {0, now, "system", "sign-in-throttled", target, text, "LoginLocked"});
  });
  if (!logged.ok()) spdlog::error("the operator log could not be written: {}", logged.ToString());
  return InvalidCredentials();
}

Result<NewSession> ConsoleUsers::SignIn(const std::string& login, const std::string& password,
                                        const std::string& address) {
  const UnixMicros now = clock_.NowMicros();
  // Before anything that depends on the login existing.
  if (const int64_t wait = throttle_.WaitMicros(login, address, now); wait > 0)
    return Status(errc::kLoginLocked, "too many failed sign-ins; try again in " +
                                          std::to_string((wait + 999'999) / 1'000'000) +
                                          " second(s)");
  std::optional<store::ConsoleUser> user;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    auto u = txn.FindUser(realm_, login);
    if (u.ok()) user = *u;
    return u.ok() || u.status().code() == errc::kNotFound ? Status::Ok() : u.status();
  }));
  if (!user) {
    (void)password::Verify(DummyHash(), password);
    return Failed(login, address, now);
  }
  // Hashing is slow on purpose: outside the write transaction.
  if (!password::Verify(user->password_hash, password) || !user->enabled)
    return Failed(login, address, now);

  NewSession out;
  RETURN_IF_ERROR(store_.Write([&](store::Txn& txn) -> Status {
    ASSIGN_OR_RETURN(auto u, txn.FindUser(realm_, login));  // re-read: disabled meanwhile?
    if (!u.enabled) return Status::Ok();
    u.failed_logins = 0;
    u.locked_until = 0;
    RETURN_IF_ERROR(txn.UpdateUser(realm_, u));
    out.cookie = crypto::Hex(crypto::RandomBytes(32));
    out.csrf_token = crypto::Hex(crypto::RandomBytes(16));
    out.user = u;
    return txn.InsertSession(
        realm_, {TokenHash(out.cookie), login, out.csrf_token, now, now + kSessionMicros});
  }));
  if (out.cookie.empty()) return Failed(login, address, now);
  throttle_.Succeeded(login, address);
  return out;
}

Result<Session> ConsoleUsers::Check(const std::string& cookie) {
  const Status invalid(errc::kSessionInvalid, "not signed in, or the session has expired");
  if (cookie.size() != 64) return invalid;
  Session out;
  bool live = false;
  RETURN_IF_ERROR(store_.Read([&](store::Txn& txn) -> Status {
    auto session = txn.FindSession(realm_, TokenHash(cookie));
    if (!session.ok())
      return session.status().code() == errc::kNotFound ? Status::Ok() : session.status();
    if (session->expires_at <= clock_.NowMicros()) return Status::Ok();
    ASSIGN_OR_RETURN(auto user, txn.FindUser(realm_, session->login));
    if (!user.enabled) return Status::Ok();
    out = {user, session->csrf_token, session->expires_at};
    live = true;
    return Status::Ok();
  }));
  if (!live) return invalid;
  return out;
}

Status ConsoleUsers::SignOut(const std::string& cookie) {
  return store_.Write(
      [&](store::Txn& txn) { return txn.DeleteSession(realm_, TokenHash(cookie)); });
}

}  // namespace kanjian::auth
