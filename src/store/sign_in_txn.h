// Who may sign in to the consoles, and their sessions. Each realm has its
// tables: the tenant console's users (console_users, console_sessions), who
// belong to an account, and the operator console's operators (operators,
// operator_sessions), who belong to none; a session never crosses realms.
#pragma once

#include <string_view>
#include <vector>

#include "store/records.h"

namespace kanjian::store {

enum class SignInRealm { kTenant, kOperator };

class SignInTxn {
 public:
  virtual ~SignInTxn() = default;

  // errc::kAlreadyExists for a login taken in the realm. An operator's
  // account_id is not stored (operators belong to no account).
  virtual Status InsertUser(SignInRealm realm, const ConsoleUser& user) = 0;
  virtual Result<ConsoleUser> FindUser(SignInRealm realm, std::string_view login) = 0;  // kNotFound
  // Ordered by login. Tenant realm: account_id "" = every account's users;
  // the operator realm lists every operator whatever account_id says.
  virtual Result<std::vector<ConsoleUser>> ListUsers(SignInRealm realm,
                                                     std::string_view account_id) = 0;
  // Writes password_hash, enabled, failed_logins, locked_until (errc::kNotFound).
  virtual Status UpdateUser(SignInRealm realm, const ConsoleUser& user) = 0;
  virtual Status InsertSession(SignInRealm realm, const ConsoleSession& session) = 0;
  virtual Result<ConsoleSession> FindSession(SignInRealm realm,
                                             std::string_view token_hash) = 0;  // kNotFound
  virtual Status DeleteSession(SignInRealm realm, std::string_view token_hash) = 0;
  // Every session of the login (signed out everywhere).
  virtual Status DeleteSessionsOf(SignInRealm realm, std::string_view login) = 0;
};

}  // namespace kanjian::store
