// SQLite schema, applied in order by PRAGMA user_version. Never edit a
// released step: append a new one.
#pragma once

#include <array>

namespace kanjian::store {

inline constexpr std::array<const char*, 1> kSqliteMigrations = {
    R"sql(
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('inactive','active','disabled')),
  created_at INTEGER NOT NULL,
  activated_at INTEGER,
  disabled_reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE api_keys (
  secret_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  sealed_secret BLOB NOT NULL,
  enabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX api_keys_by_account ON api_keys(account_id);
CREATE TABLE usage_records (
  request_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  action TEXT NOT NULL,
  at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX usage_by_account_time ON usage_records(account_id, at);
)sql",
};

}  // namespace kanjian::store
