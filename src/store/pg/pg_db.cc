#include "store/pg/pg_db.h"

#include <libpq-fe.h>
#include <poll.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <system_error>

#include "common/error_codes.h"

namespace kanjian::store::pg {
namespace {
std::atomic<uint64_t> g_round_trips{0};
void CountRoundTrip() {
  g_round_trips.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

uint64_t PgConnection::RoundTrips() {
  return g_round_trips.load(std::memory_order_relaxed);
}

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
  PQclear(PQexec(c, "SET client_min_messages = warning"));
  return std::unique_ptr<PgConnection>(new PgConnection(c));
}

PgConnection::~PgConnection() {
  PQfinish(conn_);
}

Result<int> PgConnection::WaitForNotifications(int timeout_ms) {
  auto take = [&] {
    int n = 0;
    while (PGnotify* note = PQnotifies(conn_)) {
      ++n;
      PQfreemem(note);
    }
    return n;
  };
  if (int n = take(); n > 0) return n;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0) return Status(errc::kInternalError, "PostgreSQL: the connection is closed");
  const int ready = ::poll(&fd, 1, timeout_ms);
  if (ready < 0 && errno != EINTR)
    return Status(errc::kInternalError,
                  "PostgreSQL: poll: " + std::generic_category().message(errno));
  if (ready > 0 && (!PQconsumeInput(conn_) || PQstatus(conn_) != CONNECTION_OK)) {
    broken_ = true;
    return Status(errc::kInternalError, std::string("PostgreSQL: ") + PQerrorMessage(conn_));
  }
  return take();
}

bool PgConnection::healthy() const {
  return !broken_ && PQstatus(conn_) == CONNECTION_OK;
}

Result<PgResult> PgConnection::Exec(std::string_view sql, const std::vector<Param>& params) {
  Drain();
  std::string text(sql);
  if (deferred_begin_ && track_xid_ && params.empty()) {
    // A script runs on the simple protocol, which returns only its last
    // result: BEGIN and the id go first, in a round trip of their own.
    RETURN_IF_ERROR(ExecPipeline({}));
  }
  if (deferred_begin_ && !params.empty()) {
    ASSIGN_OR_RETURN(auto r, ExecPipeline({{text.c_str(), params, /*prepared=*/false}}));
    return std::move(r.back());
  }
  if (deferred_begin_) {  // a script: the simple protocol runs several statements at once
    text = std::string(deferred_begin_) + ";\n" + text;
    deferred_begin_ = nullptr;
  }
  pg_result* r;
  CountRoundTrip();
  if (params.empty()) {
    r = PQexec(conn_, text.c_str());
  } else {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
    r = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                     nullptr, nullptr, 0);
  }
  return Check(r);
}

std::string PgConnection::PreparedName(const char* sql) const {
  auto it = prepared_.find(sql);
  return it == prepared_.end() ? std::string() : it->second;
}

Result<PgResult> PgConnection::ExecPrepared(const char* sql, const std::vector<Param>& params) {
  Drain();
  const std::string name = PreparedName(sql);
  if (deferred_begin_ || name.empty()) {  // BEGIN and/or PREPARE travel with it
    ASSIGN_OR_RETURN(auto r, ExecPipeline({{sql, params}}));
    return std::move(r.back());
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  CountRoundTrip();
  return Check(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(),
                              nullptr, nullptr, 0));
}

Result<std::vector<PgResult>> PgConnection::ExecPipeline(const std::vector<Statement>& statements) {
  Drain();
  std::vector<Statement> all;
  failed_statement_ = -1;
  int xid_at = -1;  // where SELECT txid_current() is in `all`
  if (deferred_begin_) {
    all.push_back({deferred_begin_, {}, /*prepared=*/false});
    if (track_xid_) {
      xid_at = static_cast<int>(all.size());
      all.push_back({"SELECT txid_current()", {}, /*prepared=*/false});
    }
  }
  const int first = static_cast<int>(all.size());  // the caller's statements start there
  deferred_begin_ = nullptr;
  all.insert(all.end(), statements.begin(), statements.end());
  if (PQenterPipelineMode(conn_) != 1) return Check(nullptr).status();
  // What was sent, in order: a PREPARE (made on first use) or a statement.
  struct Sent {
    const char* sql;
    std::string prepared_as;  // set for a PREPARE
    int index;                // in `statements`; -1 for a PREPARE or the BEGIN
  };
  constexpr int kXidIndex = -2;  // the transaction id's SELECT
  std::vector<Sent> sent;
  std::unordered_map<const char*, std::string> preparing;
  bool send_failed = false;
  for (size_t i = 0; i < all.size(); ++i) {
    const Statement& st = all[i];
    std::vector<const char*> values;
    values.reserve(st.params.size());
    for (const Param& p : st.params) values.push_back(p ? p->c_str() : nullptr);
    const int n = static_cast<int>(st.params.size());
    int ok = 0;
    if (st.prepared) {
      std::string name = PreparedName(st.sql);
      if (name.empty() && preparing.count(st.sql)) name = preparing[st.sql];
      if (name.empty()) {
        name = "k" + std::to_string(prepared_.size() + preparing.size());
        if (PQsendPrepare(conn_, name.c_str(), st.sql, 0, nullptr) != 1) {
          send_failed = true;
          break;
        }
        preparing.emplace(st.sql, name);
        sent.push_back({st.sql, name, -1});
      }
      ok = PQsendQueryPrepared(conn_, name.c_str(), n, values.data(), nullptr, nullptr, 0);
    } else {
      ok = PQsendQueryParams(conn_, st.sql, n, nullptr, values.data(), nullptr, nullptr, 0);
    }
    if (ok != 1) {
      send_failed = true;
      break;
    }
    const int at = static_cast<int>(i);
    sent.push_back({st.sql, "", at == xid_at ? kXidIndex : at < first ? -1 : at - first});
  }
  std::optional<Status> failure;
  // Synced even after a failed send (a broken link then answers NULL below).
  CountRoundTrip();
  if (PQpipelineSync(conn_) != 1 || send_failed) failure = Check(nullptr).status();
  std::vector<PgResult> out;
  // Each statement's result, then NULL; the server skipped those after a
  // failure (PGRES_PIPELINE_ABORTED); then the sync point.
  for (const Sent& s : sent) {
    pg_result* r = PQgetResult(conn_);
    if (!r) {
      if (!failure) failure = Check(nullptr).status();
      break;
    }
    if (PQresultStatus(r) == PGRES_PIPELINE_ABORTED) {
      PQclear(r);
    } else if (auto checked = Check(r); !checked.ok()) {
      if (!failure) {
        failure = checked.status();
        failed_statement_ = s.index;
      }
    } else if (!s.prepared_as.empty()) {
      prepared_.emplace(s.sql, s.prepared_as);
    } else if (s.index == kXidIndex) {
      xid_ = checked->Text(0, 0);
    } else if (s.index >= 0) {
      out.push_back(std::move(checked).value());
    }
    while ((r = PQgetResult(conn_)) != nullptr) PQclear(r);
  }
  for (int i = 0; i < 64; ++i) {  // to the sync point (bounded: a broken link answers NULL)
    pg_result* r = PQgetResult(conn_);
    if (!r) continue;
    const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  if (PQexitPipelineMode(conn_) != 1) {
    broken_ = true;  // results left unread: the pool drops this connection
    if (!failure) failure = Check(nullptr).status();
  }
  if (failure) return *failure;
  return out;
}

void PgConnection::RollbackIfOpen() {
  Drain();
  if (deferred_begin_) {
    deferred_begin_ = nullptr;  // nothing was sent
    return;
  }
  const PGTransactionStatusType st = PQtransactionStatus(conn_);
  if (st == PQTRANS_INTRANS || st == PQTRANS_INERROR) (void)Exec("ROLLBACK");
}

void PgConnection::RollbackReadOnly() {
  Drain();
  if (deferred_begin_) {
    deferred_begin_ = nullptr;
    return;
  }
  const PGTransactionStatusType st = PQtransactionStatus(conn_);
  if (st != PQTRANS_INTRANS && st != PQTRANS_INERROR) return;
  if (PQenterPipelineMode(conn_) != 1 ||
      PQsendQueryParams(conn_, "ROLLBACK", 0, nullptr, nullptr, nullptr, nullptr, 0) != 1 ||
      PQpipelineSync(conn_) != 1) {
    broken_ = true;  // the pool drops it
    return;
  }
  draining_ = true;
}

void PgConnection::Drain() {
  if (!draining_) return;
  draining_ = false;
  // ROLLBACK's result, its NULL, then the sync point (a broken link: NULLs).
  for (int i = 0; i < 8; ++i) {
    pg_result* r = PQgetResult(conn_);
    if (!r) continue;
    const bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  if (PQexitPipelineMode(conn_) != 1) broken_ = true;
}

Result<PgResult> PgConnection::Check(pg_result* r) {
  PgResult result(r);
  const ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    sqlstate_.clear();
    detail_.clear();
    return result;
  }
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  sqlstate_ = state ? state : "";
  const char* detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  detail_ = detail ? detail : "";
  if (first_failure_.empty()) first_failure_ = sqlstate_.empty() ? "?" : sqlstate_;
  std::string why = r ? PQresultErrorMessage(r) : "";
  if (why.empty()) why = PQerrorMessage(conn_);
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  return Status(errc::kInternalError, "PostgreSQL [" + sqlstate_ + "] " + why);
}

}  // namespace kanjian::store::pg
