// RAII helpers over libpq (Debian libpq-dev), the PostgreSQL counterpart of
// sqlite_db.h: a connection, results, and parameterised statements with
// text parameters. Only src/store/pg includes libpq-fe.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
  // The SQLSTATE of the last failed Exec ("40001" serialization failure,
  // "23505" unique violation, "40P01" deadlock…), "" after a success.
  const std::string& sqlstate() const { return sqlstate_; }
  // False once the server has gone (the connection must be reopened).
  bool healthy() const;

 private:
  explicit PgConnection(pg_conn* c) : conn_(c) {}
  pg_conn* conn_;
  std::string sqlstate_;
};

// The URI with any password replaced by "***", for logs and errors.
std::string RedactUri(std::string_view uri);

}  // namespace kanjian::store::pg
