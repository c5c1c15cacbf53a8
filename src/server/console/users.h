// Tenant console users and sessions. The operator creates users
// (`kanjian user add ACCOUNT LOGIN --password-stdin`); a user signs in with
// login + password and gets a session: a random cookie value (only its
// SHA-256 is stored) and a CSRF token that every state-changing request
// must echo in X-CSRF-Token.
//
// (our rules) Passwords: 10 to 256 characters. Five wrong passwords in a
// row lock the login for 15 minutes (a good one resets the count). A
// session lasts 8 hours from sign-in; signing in again never reuses a
// session (no fixation); disabling a user or changing its password ends
// its sessions.
//
// The same rules serve the operator console (Realm::kOperator): operators
// live in a table of their own with their own sessions, so a tenant's
// session is never an operator's, nor the other way round.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "store/store.h"

namespace kanjian::server::console {

inline constexpr int kMaxFailedLogins = 5;
inline constexpr int64_t kLockMicros = 15 * 60 * 1'000'000LL;
inline constexpr int64_t kSessionMicros = 8 * 3600 * 1'000'000LL;

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

enum class Realm { kTenant, kOperator };

class ConsoleUsers {
 public:
  ConsoleUsers(store::Store& store, const Clock& clock, Realm realm = Realm::kTenant)
      : store_(store), clock_(clock), realm_(realm) {}

  // Operator side (CLI). `account` is an AccountId or name; in the
  // operator realm it must be "" (operators belong to no account).
  Status Add(const std::string& account, const std::string& login, const std::string& password);
  Result<std::vector<store::ConsoleUser>> List(const std::string& account);  // "" = all
  Status SetEnabled(const std::string& login, bool enabled);
  Status SetPassword(const std::string& login, const std::string& password);

  // Console side. Errors: AuthFailure.InvalidCredentials (unknown login,
  // wrong password, disabled user: not told apart), AuthFailure.LoginLocked.
  Result<NewSession> SignIn(const std::string& login, const std::string& password);
  // The live session behind a cookie value; AuthFailure.SessionInvalid when
  // unknown, expired or its user is disabled.
  Result<Session> Check(const std::string& cookie);
  Status SignOut(const std::string& cookie);

 private:
  static Status CheckPassword(const std::string& password);

  store::Store& store_;
  const Clock& clock_;
  const Realm realm_;
};

}  // namespace kanjian::server::console
