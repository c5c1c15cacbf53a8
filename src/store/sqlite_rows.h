// Helpers shared by the SqliteTxn files (sqlite_*.cc): stepping, binding
// and reading rows. Internal to the SQLite store.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/error_codes.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace kanjian::store {

inline bool IsUniqueViolation(const Statement& s) {
  int x = s.extended_result_code();
  return x == SQLITE_CONSTRAINT_UNIQUE || x == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// Steps a statement that returns no rows; a uniqueness violation becomes
// errc::kAlreadyExists with `exists_message`.
inline Status Run(Statement& s, std::string_view exists_message) {
  s.Step();
  if (s.status().ok()) return Status::Ok();
  if (IsUniqueViolation(s)) return Status(errc::kAlreadyExists, exists_message);
  return s.status();
}

inline Status NotFound(std::string_view what, std::string_view id) {
  return Status(errc::kNotFound, "no " + std::string(what) + " '" + std::string(id) + "'");
}

inline void BindOptional(Statement& s, int index, const std::optional<int64_t>& v) {
  if (v) {
    s.Bind(index, *v);
  } else {
    s.BindNull(index);
  }
}

// `read` returns a T, or a Result<T> when a row can be unreadable (a stored
// word it does not know).
template <typename T, typename Read>
Result<std::vector<T>> Collect(Statement& s, Read read) {
  std::vector<T> out;
  while (s.Step()) {
    if constexpr (std::is_same_v<std::invoke_result_t<Read, Statement&>, Result<T>>) {
      ASSIGN_OR_RETURN(T row, read(s));
      out.push_back(std::move(row));
    } else {
      out.push_back(read(s));
    }
  }
  if (!s.status().ok()) return s.status();
  return out;
}

// The first row, kNotFound when there is none.
template <typename T, typename Read>
Result<T> One(Statement& s, Read read, std::string_view what, std::string_view id) {
  if (s.Step()) return read(s);
  if (!s.status().ok()) return s.status();
  return NotFound(what, id);
}

// Rows of (txn columns 0-7, posting columns 8-10), grouped by txn in order;
// a txn without postings has NULL posting columns (sqlite_ledger.cc).
Result<std::vector<LedgerTxn>> ReadLedgerTxns(Statement& s);

}  // namespace kanjian::store
