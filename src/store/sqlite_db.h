// RAII helpers over the SQLite C API: a connection and prepared statements
// with typed binding. Only src/store includes sqlite3.h.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kanjian::store {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& Bind(int index, int64_t value);
  Statement& BindNull(int index);
  // SQLITE_ROW → true, SQLITE_DONE → false; errors become status().
  bool Step();
  // Rewinds for another execution with new bindings and clears a step
  // error, so a cached statement can be reused (a prepare error stays).
  void Reset();
  Status status() const { return status_; }
  int result_code() const { return rc_; }
  // The extended code of the last failed step (e.g. SQLITE_CONSTRAINT_UNIQUE).
  int extended_result_code() const { return extended_rc_; }

  std::string Text(int column) const;
  // Valid until the next Step/Reset.
  std::string_view TextView(int column) const;
  int64_t Int(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
  int extended_rc_ = SQLITE_OK;
  Status status_;
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const std::string& path);
  ~Database();
  sqlite3* handle() const { return db_; }
  Status Exec(std::string_view sql);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

}  // namespace kanjian::store
