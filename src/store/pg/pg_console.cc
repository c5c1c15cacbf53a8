// Tenant console users and sessions on PostgreSQL.
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"

namespace kanjian::store::pg {
namespace {

#define KANJIAN_USER_COLUMNS \
  "login,account_id,password_hash,enabled,created_at,failed_logins,locked_until"
constexpr char kInsertConsoleUser[] =
    "INSERT INTO console_users(" KANJIAN_USER_COLUMNS ") VALUES($1,$2,$3,$4,$5,$6,$7)";
constexpr char kSelectConsoleUser[] =
    "SELECT " KANJIAN_USER_COLUMNS " FROM console_users WHERE login=$1";
constexpr char kSelectConsoleUsers[] =
    "SELECT " KANJIAN_USER_COLUMNS
    " FROM console_users WHERE $1='' OR account_id=$1 ORDER BY login";
#undef KANJIAN_USER_COLUMNS
constexpr char kUpdateConsoleUser[] =
    "UPDATE console_users SET password_hash=$2,enabled=$3,failed_logins=$4,locked_until=$5 "
    "WHERE login=$1";
constexpr PgTxn::SessionSql kConsoleSessions = KANJIAN_PG_SESSION_SQL("console_sessions");

ConsoleUser ReadConsoleUser(const PgResult& r, int i) {
  return ConsoleUser{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3) == "t",
                     r.Int(i, 4),  r.Int(i, 5),  r.Int(i, 6)};
}

Status Done(const Result<PgResult>& r) {
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace

Status PgTxn::InsertConsoleUser(const ConsoleUser& u) {
  auto r =
      Exec(kInsertConsoleUser, {P(u.login), P(u.account_id), P(u.password_hash), PBool(u.enabled),
                                P(u.created_at), P(u.failed_logins), P(u.locked_until)});
  if (!r.ok()) return UniqueAs(db_, r.status(), "a console user '" + u.login + "' already exists");
  return Status::Ok();
}

Result<ConsoleUser> PgTxn::FindConsoleUser(std::string_view login) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectConsoleUser, {P(login)}));
  if (r.rows() == 0) return NotFound("console user", login);
  return ReadConsoleUser(r, 0);
}

Result<std::vector<ConsoleUser>> PgTxn::ListConsoleUsers(std::string_view account_id) {
  ASSIGN_OR_RETURN(auto r, Exec(kSelectConsoleUsers, {P(account_id)}));
  std::vector<ConsoleUser> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(ReadConsoleUser(r, i));
  return out;
}

Status PgTxn::UpdateConsoleUser(const ConsoleUser& u) {
  return UpdateSignIn(kUpdateConsoleUser, u, "console user");
}

Status PgTxn::InsertConsoleSession(const ConsoleSession& c) {
  return InsertSession(kConsoleSessions, c);
}

Result<ConsoleSession> PgTxn::FindConsoleSession(std::string_view token_hash) {
  return FindSession(kConsoleSessions, token_hash);
}

Status PgTxn::DeleteConsoleSession(std::string_view token_hash) {
  return Done(Exec(kConsoleSessions.remove, {P(token_hash)}));
}

Status PgTxn::DeleteConsoleSessionsOf(std::string_view login) {
  return Done(Exec(kConsoleSessions.remove_of, {P(login)}));
}

// What the tenant console and the operator console share.

Status PgTxn::UpdateSignIn(const char* sql, const ConsoleUser& u, std::string_view what) {
  ASSIGN_OR_RETURN(auto r, Exec(sql, {P(u.login), P(u.password_hash), PBool(u.enabled),
                                      P(u.failed_logins), P(u.locked_until)}));
  if (r.affected() == 0) return NotFound(what, u.login);
  return Status::Ok();
}

Status PgTxn::InsertSession(const SessionSql& sql, const ConsoleSession& c) {
  auto r = Exec(sql.insert,
                {P(c.token_hash), P(c.login), P(c.csrf_token), P(c.created_at), P(c.expires_at)});
  if (!r.ok()) return UniqueAs(db_, r.status(), "session exists");
  return Status::Ok();
}

Result<ConsoleSession> PgTxn::FindSession(const SessionSql& sql, std::string_view token_hash) {
  ASSIGN_OR_RETURN(auto r, Exec(sql.select, {P(token_hash)}));
  if (r.rows() == 0) return NotFound("session", "(hidden)");
  return ConsoleSession{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Int(0, 3), r.Int(0, 4)};
}

}  // namespace kanjian::store::pg
