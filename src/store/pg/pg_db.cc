#include "store/pg/pg_db.h"

#include <libpq-fe.h>

#include <charconv>

#include "common/error_codes.h"

namespace kanjian::store::pg {

Param P(std::string_view text) {
  return std::string(text);
}
Param P(int64_t value) {
  return std::to_string(value);
}

void PgResult::Clear::operator()(pg_result* r) const {
  PQclear(r);
}

PgResult::PgResult(pg_result* r) : result_(r) {}

int PgResult::rows() const {
  return PQntuples(result_.get());
}

std::string PgResult::Text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     PQgetlength(result_.get(), row, column));
}

bool PgResult::IsNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) == 1;
}

int64_t PgResult::Int(int row, int column) const {
  const char* v = PQgetvalue(result_.get(), row, column);
  int64_t out = 0;
  std::from_chars(v, v + PQgetlength(result_.get(), row, column), out);
  return out;
}

std::optional<int64_t> PgResult::OptionalInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}

int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(result_.get());
  int64_t out = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), out);
  return out;
}

std::string RedactUri(std::string_view uri) {
  // postgresql://user:PASSWORD@host… → postgresql://user:***@host…; the
  // authority ends at the first '/' or '?', and its last '@' ends the
  // userinfo (so a stray '@' in the password is hidden too).
  const size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return std::string(uri);
  const size_t start = scheme + 3;
  const std::string_view authority = uri.substr(start, uri.find_first_of("/?", start) - start);
  const size_t at = authority.rfind('@');
  const size_t colon = authority.find(':');
  if (at == std::string_view::npos || colon == std::string_view::npos || colon > at)
    return std::string(uri);
  return std::string(uri.substr(0, start + colon + 1)) + "***" +
         std::string(uri.substr(start + at));
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& uri) {
  pg_conn* c = PQconnectdb(uri.c_str());
  if (!c || PQstatus(c) != CONNECTION_OK) {
    std::string why = c ? PQerrorMessage(c) : "out of memory";
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    if (c) PQfinish(c);
    return Status(errc::kInternalError, "PostgreSQL " + RedactUri(uri) + ": " + why);
  }
  // Times and money are stored as integers, so nothing depends on the
  // session's zone or locale; only keep NOTICEs (IF NOT EXISTS…) quiet.
  PQexec(c, "SET client_min_messages = warning");
  return std::unique_ptr<PgConnection>(new PgConnection(c));
}

PgConnection::~PgConnection() {
  PQfinish(conn_);
}

bool PgConnection::healthy() const {
  return PQstatus(conn_) == CONNECTION_OK;
}

Result<PgResult> PgConnection::Exec(std::string_view sql, const std::vector<Param>& params) {
  const std::string text(sql);
  pg_result* r;
  if (params.empty()) {
    r = PQexec(conn_, text.c_str());
  } else {
    std::vector<const char*> values;
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    r = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                     nullptr, nullptr, 0);
  }
  return Check(r);
}

Result<PgResult> PgConnection::ExecPrepared(const char* sql, const std::vector<Param>& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = "k" + std::to_string(prepared_.size());
    auto made = Check(PQprepare(conn_, name.c_str(), sql, 0, nullptr));
    if (!made.ok()) return made.status();
    it = prepared_.emplace(sql, name).first;
  }
  std::vector<const char*> values;
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  return Check(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                              values.data(), nullptr, nullptr, 0));
}

Result<PgResult> PgConnection::Check(pg_result* r) {
  PgResult result(r);
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    sqlstate_.clear();
    return result;
  }
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  sqlstate_ = state ? state : "";
  if (first_failure_.empty()) first_failure_ = sqlstate_.empty() ? "?" : sqlstate_;
  std::string why = PQerrorMessage(conn_);
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  return Status(errc::kInternalError, "PostgreSQL [" + sqlstate_ + "] " + why);
}

}  // namespace kanjian::store::pg
