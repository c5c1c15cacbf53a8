// PgTxn's SignInTxn: who signs in to the consoles, and their sessions. Each
// realm has its tables, with the same columns but the account:
// console_users and console_sessions for the tenant console, operators and
// operator_sessions (schema step 3) for the operator console.
#include "common/error_codes.h"
#include "store/pg/pg_txn.h"
#include "store/sign_in_sql.h"

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

#define KANJIAN_OPERATOR_COLUMNS "login,password_hash,enabled,created_at,failed_logins,locked_until"
constexpr char kInsertOperator[] =
    "INSERT INTO operators(" KANJIAN_OPERATOR_COLUMNS ") VALUES($1,$2,$3,$4,$5,$6)";
constexpr char kSelectOperator[] =
    "SELECT " KANJIAN_OPERATOR_COLUMNS " FROM operators WHERE login=$1";
constexpr char kSelectOperators[] =
    "SELECT " KANJIAN_OPERATOR_COLUMNS " FROM operators ORDER BY login";
#undef KANJIAN_OPERATOR_COLUMNS
constexpr char kUpdateOperator[] =
    "UPDATE operators SET password_hash=$2,enabled=$3,failed_logins=$4,locked_until=$5 "
    "WHERE login=$1";

ConsoleUser ReadConsoleUser(const PgResult& r, int i) {
  return ConsoleUser{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3) == "t",
                     r.Int(i, 4),  r.Int(i, 5),  r.Int(i, 6)};
}

ConsoleUser ReadOperator(const PgResult& r, int i) {
  return ConsoleUser{r.Text(i, 0), "",          r.Text(i, 1), r.Text(i, 2) == "t",
                     r.Int(i, 3),  r.Int(i, 4), r.Int(i, 5)};
}

using RealmSql = SignInSql<ConsoleUser (*)(const PgResult&, int)>;

// The statements of one realm's sessions table: RealmSql::sessions.
#define KANJIAN_PG_SESSION_SQL(table)                                        \
  "INSERT INTO " table                                                       \
  "(token_hash,login,csrf_token,created_at,expires_at) "                     \
  "VALUES($1,$2,$3,$4,$5)",                                                  \
      "SELECT token_hash,login,csrf_token,created_at,expires_at FROM " table \
      " WHERE token_hash=$1",                                                \
      "DELETE FROM " table " WHERE token_hash=$1", "DELETE FROM " table " WHERE login=$1"
constexpr RealmSql kTenantSql = {
    .insert_user = kInsertConsoleUser,
    .select_user = kSelectConsoleUser,
    .select_users = kSelectConsoleUsers,
    .update_user = kUpdateConsoleUser,
    .read_user = ReadConsoleUser,
    .sessions = {KANJIAN_PG_SESSION_SQL("console_sessions")},
};
constexpr RealmSql kOperatorSql = {
    .insert_user = kInsertOperator,
    .select_user = kSelectOperator,
    .select_users = kSelectOperators,
    .update_user = kUpdateOperator,
    .read_user = ReadOperator,
    .sessions = {KANJIAN_PG_SESSION_SQL("operator_sessions")},
};
#undef KANJIAN_PG_SESSION_SQL

const RealmSql& Sql(SignInRealm realm) {
  return realm == SignInRealm::kOperator ? kOperatorSql : kTenantSql;
}

}  // namespace

Status PgTxn::InsertUser(SignInRealm realm, const ConsoleUser& u) {
  const RealmSql& sql = Sql(realm);
  std::vector<Param> params = {P(u.login),       P(u.account_id), P(u.password_hash),
                               PBool(u.enabled), P(u.created_at), P(u.failed_logins),
                               P(u.locked_until)};
  if (realm == SignInRealm::kOperator) params.erase(params.begin() + 1);  // no account column
  auto r = Exec(sql.insert_user, params);
  if (!r.ok()) return UniqueAs(db_, r.status(), UserExists(realm, u.login));
  return Status::Ok();
}

Result<ConsoleUser> PgTxn::FindUser(SignInRealm realm, std::string_view login) {
  const RealmSql& sql = Sql(realm);
  ASSIGN_OR_RETURN(auto r, Exec(sql.select_user, {P(login)}));
  if (r.rows() == 0) return NotFound(NamesOf(realm).user, login);
  return sql.read_user(r, 0);
}

Result<std::vector<ConsoleUser>> PgTxn::ListUsers(SignInRealm realm, std::string_view account_id) {
  const RealmSql& sql = Sql(realm);
  std::vector<Param> params;
  if (realm == SignInRealm::kTenant) params.push_back(P(account_id));
  ASSIGN_OR_RETURN(auto r, Exec(sql.select_users, params));
  return r.Rows(sql.read_user);
}

Status PgTxn::UpdateUser(SignInRealm realm, const ConsoleUser& u) {
  const RealmSql& sql = Sql(realm);
  ASSIGN_OR_RETURN(auto r, Exec(sql.update_user, {P(u.login), P(u.password_hash), PBool(u.enabled),
                                                  P(u.failed_logins), P(u.locked_until)}));
  if (r.affected() == 0) return NotFound(NamesOf(realm).user, u.login);
  return Status::Ok();
}

Status PgTxn::InsertSession(SignInRealm realm, const ConsoleSession& c) {
  auto r = Exec(Sql(realm).sessions.insert,
                {P(c.token_hash), P(c.login), P(c.csrf_token), P(c.created_at), P(c.expires_at)});
  if (!r.ok()) return UniqueAs(db_, r.status(), "session exists");
  return Status::Ok();
}

Result<ConsoleSession> PgTxn::FindSession(SignInRealm realm, std::string_view token_hash) {
  ASSIGN_OR_RETURN(auto r, Exec(Sql(realm).sessions.select, {P(token_hash)}));
  if (r.rows() == 0) return NotFound("session", "(hidden)");
  return ConsoleSession{r.Text(0, 0), r.Text(0, 1), r.Text(0, 2), r.Int(0, 3), r.Int(0, 4)};
}

Status PgTxn::DeleteSession(SignInRealm realm, std::string_view token_hash) {
  return Done(Exec(Sql(realm).sessions.remove, {P(token_hash)}));
}

Status PgTxn::DeleteSessionsOf(SignInRealm realm, std::string_view login) {
  return Done(Exec(Sql(realm).sessions.remove_of, {P(login)}));
}

}  // namespace kanjian::store::pg
