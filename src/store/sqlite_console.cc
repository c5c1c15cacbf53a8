// SqliteTxn: Console users and sessions.
// Each statement is a named constant beside the function that runs it.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"
#include "store/sqlite_rows.h"

namespace kanjian::store {

namespace {
constexpr char kInsertConsoleUser[] =
    "INSERT INTO console_users(login,account_id,password_hash,enabled,created_at,failed_logins,"
    "locked_until) VALUES(?1,?2,?3,?4,?5,?6,?7)";
constexpr char kSelectConsoleUser[] =
    "SELECT login,account_id,password_hash,enabled,created_at,failed_logins,locked_until "
    "FROM console_users WHERE login=?1";
constexpr char kSelectConsoleUsers[] =
    "SELECT login,account_id,password_hash,enabled,created_at,failed_logins,locked_until "
    "FROM console_users WHERE ?1='' OR account_id=?1 ORDER BY login";
constexpr char kUpdateConsoleUser[] =
    "UPDATE console_users SET password_hash=?2,enabled=?3,failed_logins=?4,locked_until=?5 "
    "WHERE login=?1";
constexpr SqliteTxn::SessionSql kConsoleSessions = KANJIAN_SQLITE_SESSION_SQL("console_sessions");

ConsoleUser ReadConsoleUser(const Statement& r) {
  return ConsoleUser{r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0, r.Int(4), r.Int(5), r.Int(6)};
}
}  // namespace

Status SqliteTxn::InsertConsoleUser(const ConsoleUser& u) {
  auto s = cache_.Get(kInsertConsoleUser);
  s->Bind(1, u.login)
      .Bind(2, u.account_id)
      .Bind(3, u.password_hash)
      .Bind(4, int64_t{u.enabled})
      .Bind(5, u.created_at)
      .Bind(6, u.failed_logins)
      .Bind(7, u.locked_until);
  return Run(*s, "a console user '" + u.login + "' already exists");
}

Result<ConsoleUser> SqliteTxn::FindConsoleUser(std::string_view login) {
  auto s = cache_.Get(kSelectConsoleUser);
  s->Bind(1, login);
  return One<ConsoleUser>(*s, ReadConsoleUser, "console user", login);
}

Result<std::vector<ConsoleUser>> SqliteTxn::ListConsoleUsers(std::string_view account_id) {
  auto s = cache_.Get(kSelectConsoleUsers);
  s->Bind(1, account_id);
  return Collect<ConsoleUser>(*s, ReadConsoleUser);
}

Status SqliteTxn::UpdateConsoleUser(const ConsoleUser& u) {
  return UpdateSignIn(kUpdateConsoleUser, u, "console user");
}

Status SqliteTxn::InsertConsoleSession(const ConsoleSession& c) {
  return InsertSession(kConsoleSessions, c);
}

Result<ConsoleSession> SqliteTxn::FindConsoleSession(std::string_view token_hash) {
  return FindSession(kConsoleSessions, token_hash);
}

Status SqliteTxn::DeleteConsoleSession(std::string_view token_hash) {
  return DeleteSessions(kConsoleSessions.remove, token_hash);
}

Status SqliteTxn::DeleteConsoleSessionsOf(std::string_view login) {
  return DeleteSessions(kConsoleSessions.remove_of, login);
}

// What the tenant console and the operator console share.

Status SqliteTxn::UpdateSignIn(const char* sql, const ConsoleUser& u, std::string_view what) {
  auto s = cache_.Get(sql);
  s->Bind(1, u.login)
      .Bind(2, u.password_hash)
      .Bind(3, int64_t{u.enabled})
      .Bind(4, u.failed_logins)
      .Bind(5, u.locked_until);
  RETURN_IF_ERROR(Run(*s, ""));
  if (sqlite3_changes(cache_.db()) == 0) return NotFound(what, u.login);
  return Status::Ok();
}

Status SqliteTxn::InsertSession(const SessionSql& sql, const ConsoleSession& c) {
  auto s = cache_.Get(sql.insert);
  s->Bind(1, c.token_hash)
      .Bind(2, c.login)
      .Bind(3, c.csrf_token)
      .Bind(4, c.created_at)
      .Bind(5, c.expires_at);
  return Run(*s, "session exists");
}

Result<ConsoleSession> SqliteTxn::FindSession(const SessionSql& sql, std::string_view token_hash) {
  auto s = cache_.Get(sql.select);
  s->Bind(1, token_hash);
  return One<ConsoleSession>(
      *s,
      [](const Statement& r) {
        return ConsoleSession{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4)};
      },
      "session", "(hidden)");
}

Status SqliteTxn::DeleteSessions(const char* sql, std::string_view key) {
  auto s = cache_.Get(sql);
  s->Bind(1, key);
  return Run(*s, "");
}

}  // namespace kanjian::store
