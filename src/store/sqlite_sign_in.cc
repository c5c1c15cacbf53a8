// SqliteTxn's SignInTxn: who signs in to the consoles, and their sessions.
// Each realm has its tables, with the same columns but the account:
// console_users and console_sessions for the tenant console, operators and
// operator_sessions (schema step 5) for the operator console.
#include "store/sqlite_txn.h"

#include "common/error_codes.h"
#include "store/sign_in_sql.h"
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

constexpr char kInsertOperator[] =
    "INSERT INTO operators(login,password_hash,enabled,created_at,failed_logins,locked_until) "
    "VALUES(?1,?2,?3,?4,?5,?6)";
constexpr char kSelectOperator[] =
    "SELECT login,password_hash,enabled,created_at,failed_logins,locked_until FROM operators "
    "WHERE login=?1";
constexpr char kSelectOperators[] =
    "SELECT login,password_hash,enabled,created_at,failed_logins,locked_until FROM operators "
    "ORDER BY login";
constexpr char kUpdateOperator[] =
    "UPDATE operators SET password_hash=?2,enabled=?3,failed_logins=?4,locked_until=?5 WHERE "
    "login=?1";

ConsoleUser ReadConsoleUser(const Statement& r) {
  return ConsoleUser{r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0, r.Int(4), r.Int(5), r.Int(6)};
}

ConsoleUser ReadOperator(const Statement& r) {
  return ConsoleUser{r.Text(0), "", r.Text(1), r.Int(2) != 0, r.Int(3), r.Int(4), r.Int(5)};
}

using RealmSql = SignInSql<ConsoleUser (*)(const Statement&)>;

// The statements of one realm's sessions table: RealmSql::sessions.
#define KANJIAN_SQLITE_SESSION_SQL(table)                                    \
  "INSERT INTO " table                                                       \
  "(token_hash,login,csrf_token,created_at,expires_at) "                     \
  "VALUES(?1,?2,?3,?4,?5)",                                                  \
      "SELECT token_hash,login,csrf_token,created_at,expires_at FROM " table \
      " WHERE token_hash=?1",                                                \
      "DELETE FROM " table " WHERE token_hash=?1", "DELETE FROM " table " WHERE login=?1"
constexpr RealmSql kTenantSql = {
    .insert_user = kInsertConsoleUser,
    .select_user = kSelectConsoleUser,
    .select_users = kSelectConsoleUsers,
    .update_user = kUpdateConsoleUser,
    .read_user = ReadConsoleUser,
    .sessions = {KANJIAN_SQLITE_SESSION_SQL("console_sessions")},
};
constexpr RealmSql kOperatorSql = {
    .insert_user = kInsertOperator,
    .select_user = kSelectOperator,
    .select_users = kSelectOperators,
    .update_user = kUpdateOperator,
    .read_user = ReadOperator,
    .sessions = {KANJIAN_SQLITE_SESSION_SQL("operator_sessions")},
};
#undef KANJIAN_SQLITE_SESSION_SQL

const RealmSql& Sql(SignInRealm realm) {
  return realm == SignInRealm::kOperator ? kOperatorSql : kTenantSql;
}

}  // namespace

Status SqliteTxn::InsertUser(SignInRealm realm, const ConsoleUser& u) {
  const RealmSql& sql = Sql(realm);
  auto s = cache_.Get(sql.insert_user);
  s->Bind(1, u.login);
  int after = 1;  // the column before password_hash
  if (realm == SignInRealm::kTenant) s->Bind(++after, u.account_id);
  s->Bind(after + 1, u.password_hash)
      .Bind(after + 2, int64_t{u.enabled})
      .Bind(after + 3, u.created_at)
      .Bind(after + 4, u.failed_logins)
      .Bind(after + 5, u.locked_until);
  return Run(*s, UserExists(realm, u.login));
}

Result<ConsoleUser> SqliteTxn::FindUser(SignInRealm realm, std::string_view login) {
  const RealmSql& sql = Sql(realm);
  auto s = cache_.Get(sql.select_user);
  s->Bind(1, login);
  return One<ConsoleUser>(*s, sql.read_user, NamesOf(realm).user, login);
}

Result<std::vector<ConsoleUser>> SqliteTxn::ListUsers(SignInRealm realm,
                                                      std::string_view account_id) {
  const RealmSql& sql = Sql(realm);
  auto s = cache_.Get(sql.select_users);
  if (realm == SignInRealm::kTenant) s->Bind(1, account_id);
  return Collect<ConsoleUser>(*s, sql.read_user);
}

Status SqliteTxn::UpdateUser(SignInRealm realm, const ConsoleUser& u) {
  const RealmSql& sql = Sql(realm);
  auto s = cache_.Get(sql.update_user);
  s->Bind(1, u.login)
      .Bind(2, u.password_hash)
      .Bind(3, int64_t{u.enabled})
      .Bind(4, u.failed_logins)
      .Bind(5, u.locked_until);
  RETURN_IF_ERROR(Run(*s, ""));
  if (sqlite3_changes(cache_.db()) == 0) return NotFound(NamesOf(realm).user, u.login);
  return Status::Ok();
}

Status SqliteTxn::InsertSession(SignInRealm realm, const ConsoleSession& c) {
  auto s = cache_.Get(Sql(realm).sessions.insert);
  s->Bind(1, c.token_hash)
      .Bind(2, c.login)
      .Bind(3, c.csrf_token)
      .Bind(4, c.created_at)
      .Bind(5, c.expires_at);
  return Run(*s, "session exists");
}

Result<ConsoleSession> SqliteTxn::FindSession(SignInRealm realm, std::string_view token_hash) {
  auto s = cache_.Get(Sql(realm).sessions.select);
  s->Bind(1, token_hash);
  return One<ConsoleSession>(
      *s,
      [](const Statement& r) {
        return ConsoleSession{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4)};
      },
      "session", "(hidden)");
}

Status SqliteTxn::DeleteSession(SignInRealm realm, std::string_view token_hash) {
  auto s = cache_.Get(Sql(realm).sessions.remove);
  s->Bind(1, token_hash);
  return Run(*s, "");
}

Status SqliteTxn::DeleteSessionsOf(SignInRealm realm, std::string_view login) {
  auto s = cache_.Get(Sql(realm).sessions.remove_of);
  s->Bind(1, login);
  return Run(*s, "");
}

}  // namespace kanjian::store
