// Tenant console users and sessions. The operator creates users
// (`kanjian user add ACCOUNT LOGIN --password-stdin`); a user signs in with
// login + password and gets a session: a random cookie value (only its
// SHA-256 is stored) and a CSRF token that every state-changing request
// must echo in X-CSRF-Token.
//
// (our rules) Passwords: 10 to 256 characters. Failed sign-ins are
// throttled per (login, client address) with growing waits, and per login
// above a ceiling no single address reaches (sign_in_throttle.h); a wait
// that starts is written to the operator log. A session lasts 8 hours from
// sign-in; signing in again never reuses a
// session (no fixation); disabling a user or changing its password ends
// its sessions.
//
// The same rules serve the operator console (Realm::kOperator): operators
// live in a table of their own with their own sessions, so a tenant's
// session is never an operator's, nor the other way round.
#pragma once

#include <string>
#include <vector>

#include "auth/sign_in_throttle.h"
#include "common/clock.h"
#include "store/store.h"

namespace kanjian::auth {

inline constexpr int64_t kSessionMicros = 8LL * 3600 * 1'000'000;

struct NewSession {
  std::string cookie;  // the session cookie's value (shown only here)
  std::string csrf_token;
  store::ConsoleUser user;
};

struct Session {
  store::ConsoleUser user;
  std::string csrf_token;
  UnixMicros expires_at = 0;
};

// Whose console: the store keeps each realm's users and sessions apart.
using Realm = store::SignInRealm;

class ConsoleUsers {
 public:
  ConsoleUsers(store::Store& store, const Clock& clock, Realm realm = Realm::kTenant,
               ThrottleRules throttle = {})
      : store_(store), clock_(clock), realm_(realm), throttle_(throttle) {}

  // Operator side (CLI). `account` is an AccountId or name; in the
  // operator realm it must be "" (operators belong to no account).
  Status Add(const std::string& account, const std::string& login, const std::string& password);
  Result<std::vector<store::ConsoleUser>> List(const std::string& account);  // "" = all
  Status SetEnabled(const std::string& login, bool enabled);
  Status SetPassword(const std::string& login, const std::string& password);

  // Console side, from the client's numeric `address`. Errors:
  // AuthFailure.InvalidCredentials (unknown login, wrong password, disabled
  // user: not told apart), AuthFailure.LoginLocked (this address must wait
  // before trying this login again: answered alike whether it exists or not).
  Result<NewSession> SignIn(const std::string& login, const std::string& password,
                            const std::string& address);
  // The live session behind a cookie value; AuthFailure.SessionInvalid when
  // unknown, expired or its user is disabled.
  Result<Session> Check(const std::string& cookie);
  Status SignOut(const std::string& cookie);

 private:
  static Status CheckPassword(const std::string& password);
  // Counts a failure, logs a wait it starts; returns InvalidCredentials.
  Status Failed(const std::string& login, const std::string& address, UnixMicros now);

  store::Store& store_;
  const Clock& clock_;
  const Realm realm_;
  SignInThrottle throttle_;
};

}  // namespace kanjian::auth
