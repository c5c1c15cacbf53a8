// What the two backends' SignInTxn share (sqlite_sign_in.cc,
// pg/pg_sign_in.cc): the shape of one realm's statements. Not for callers
// outside src/store.
#pragma once

#include <string>
#include <string_view>

#include "store/records.h"
#include "store/sign_in_txn.h"

namespace kanjian::store {

// How a realm's errors name its users: the same words in every backend.
struct SignInNames {
  const char* user;    // "console user" | "operator"
  const char* a_user;  // "a console user" | "an operator"
};
constexpr SignInNames NamesOf(SignInRealm realm) {
  return realm == SignInRealm::kOperator ? SignInNames{"operator", "an operator"}
                                         : SignInNames{"console user", "a console user"};
}
// The message of InsertUser's errc::kAlreadyExists.
inline std::string UserExists(SignInRealm realm, std::string_view login) {
  return std::string(NamesOf(realm).a_user) + " '" + std::string(login) + "' already exists";
}

// One realm's statements (string literals: both backends cache prepared
// statements by the text's address). `Read` makes a ConsoleUser of a row of
// the users' table.
template <typename Read>
struct SignInSql {
  // The users' table. The tenant realm's has account_id as its second
  // column (the second parameter of insert_user; select_users filters on
  // its one parameter, "" = every account); the operator realm's has none.
  const char* insert_user;
  const char* select_user;
  const char* select_users;
  const char* update_user;  // password_hash, enabled, failed_logins, locked_until by login
  Read read_user;
  // The sessions' table.
  struct {
    const char* insert;
    const char* select;
    const char* remove;     // by token_hash
    const char* remove_of;  // by login
  } sessions;
};

}  // namespace kanjian::store
