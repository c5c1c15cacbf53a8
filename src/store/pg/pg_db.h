// RAII helpers over libpq (Debian libpq-dev), the PostgreSQL counterpart of
// sqlite_db.h: a connection, results, and parameterised statements with
// text parameters. Only src/store/pg includes libpq-fe.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

struct pg_conn;
struct pg_result;

namespace kanjian::store::pg {

// One statement parameter as text (libpq's text protocol); nullopt is NULL.
using Param = std::optional<std::string>;
Param P(std::string_view text);
Param P(int64_t value);

class PgResult {
 public:
  explicit PgResult(pg_result* r);
  int rows() const;
  std::string Text(int row, int column) const;
  int64_t Int(int row, int column) const;
  std::optional<int64_t> OptionalInt(int row, int column) const;
  bool IsNull(int row, int column) const;
  // Rows changed by INSERT/UPDATE/DELETE.
  int64_t affected() const;
  // Every row in order, each made by read(*this, row).
  template <typename Read>
  auto Rows(Read read) const {
    std::vector<decltype(read(*this, 0))> out;
    out.reserve(static_cast<size_t>(rows()));
    for (int i = 0; i < rows(); ++i) out.push_back(read(*this, i));
    return out;
  }

 private:
  struct Clear {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

class PgConnection {
 public:
  // uri: a libpq connection URI (postgresql://user@host:port/db?…). Errors
  // never repeat the password.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& uri);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement (or, without params, a script of several). The
  // error's message carries the server's text and SQLSTATE (sqlstate()).
  Result<PgResult> Exec(std::string_view sql, const std::vector<Param>& params = {});
  // Runs a statement prepared on this connection at its first use (parsed
  // and planned once per connection). REQUIRES: `sql` has static storage
  // duration (a named constant): its address is the cache key.
  Result<PgResult> ExecPrepared(const char* sql, const std::vector<Param>& params);

  // One statement of a pipeline: prepared (a named constant, as for
  // ExecPrepared) or, with no parameters, sent as is (BEGIN, COMMIT).
  struct Statement {
    const char* sql;
    std::vector<Param> params;
    bool prepared = true;
  };
  // Sends the statements in one round trip (libpq's pipeline mode) and
  // returns their results in order, or the first failure: the server skips
  // every later statement (a COMMIT among them does not happen).
  Result<std::vector<PgResult>> ExecPipeline(const std::vector<Statement>& statements);

  // Which of ExecPipeline's statements failed (its index), -1 if none did.
  int failed_statement() const { return failed_statement_; }

  // Opens a transaction with the next statement sent (one round trip for
  // both; none at all for a transaction that sends nothing). With
  // `track_xid`, that round trip also takes the transaction's id (xid()),
  // and a COMMIT is never the transaction's first round trip, so the id is
  // known before a COMMIT can be in doubt.
  void BeginDeferred(const char* begin_sql, bool track_xid = false) {
    deferred_begin_ = begin_sql;
    track_xid_ = track_xid;
    xid_.clear();
  }
  bool begin_deferred() const { return deferred_begin_ != nullptr; }
  bool tracking_xid() const { return track_xid_; }
  // The open transaction's id (txid_current()), "" before it is known.
  const std::string& xid() const { return xid_; }
  // Ends the transaction if one is open (or only deferred): ROLLBACK.
  void RollbackIfOpen();
  // Ends a read-only transaction without waiting: the ROLLBACK is sent now
  // and its answer read when the connection is next used (a read costs no
  // round trip for its end).
  void RollbackReadOnly();
  // The DETAIL field of the last failure ("" if none): a server function
  // that refuses something names it there.
  const std::string& detail() const { return detail_; }
  // The SQLSTATE of the last failed Exec ("40001" serialization failure,
  // "23505" unique violation, "40P01" deadlock…), "" after a success.
  const std::string& sqlstate() const { return sqlstate_; }
  // The SQLSTATE of the first failure since ClearFirstFailure(): in an
  // aborted transaction later statements fail with 25P02, hiding the cause
  // (a serialization failure to retry, say).
  const std::string& first_failure() const { return first_failure_; }
  void ClearFirstFailure() { first_failure_.clear(); }
  // Waits up to `timeout_ms` for NOTIFY messages on the channels this
  // connection LISTENs to: how many arrived (0 when none did), or an error
  // once the connection has broken.
  Result<int> WaitForNotifications(int timeout_ms);
  // False once the server has gone (the connection must be reopened).
  bool healthy() const;
  // Round trips this process has waited for, on every connection: a
  // statement, a PREPARE, or a whole pipeline counts one (benchmarks and
  // tests count what a batch costs).
  static uint64_t RoundTrips();

 private:
  explicit PgConnection(pg_conn* c) : conn_(c) {}
  Result<PgResult> Check(pg_result* r);
  // Reads the answer of a ROLLBACK sent by RollbackReadOnly, if any.
  void Drain();
  // The statement name of `sql` if prepared on this connection, else "".
  std::string PreparedName(const char* sql) const;
  pg_conn* conn_;
  const char* deferred_begin_ = nullptr;
  bool track_xid_ = false;
  std::string xid_;
  bool broken_ = false;    // left mid-pipeline
  bool draining_ = false;  // a ROLLBACK's answer is still to be read (pipeline mode)
  int failed_statement_ = -1;
  std::string sqlstate_;
  std::string detail_;
  std::string first_failure_;
  std::unordered_map<const char*, std::string> prepared_;  // sql → statement name
};

// The URI with any password replaced by "***", for logs and errors.
std::string RedactUri(std::string_view uri);

// The outcome of a statement whose rows nobody reads.
inline Status Done(const Result<PgResult>& r) {
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace kanjian::store::pg
