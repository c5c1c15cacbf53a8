// SQLite schema, applied in order by PRAGMA user_version. Never edit a
// released step: append a new one.
#pragma once

#include <array>

namespace kanjian::store {

inline constexpr std::array<const char*, 7> kSqliteMigrations = {
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
    // Step 2: usage attribution (quantity, source, pack), packs, the
    // double-entry ledger (append-only, enforced here), vouchers, bills,
    // catalog versions and notices.
    R"sql(
ALTER TABLE usage_records ADD COLUMN quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0);
ALTER TABLE usage_records ADD COLUMN source TEXT NOT NULL DEFAULT 'postpaid'
  CHECK (source IN ('free','pack','postpaid'));
ALTER TABLE usage_records ADD COLUMN pack_id TEXT NOT NULL DEFAULT ''
  CHECK ((source = 'postpaid') = (pack_id = ''));
-- Covering: SumUsage reads a time range of an account from the index alone.
DROP INDEX usage_by_account_time;
CREATE INDEX usage_by_account_time_sum ON usage_records(account_id, at, action, source, quantity);

CREATE TABLE packs (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  kind TEXT NOT NULL CHECK (kind IN ('free','purchased','gift')),
  actions TEXT NOT NULL,  -- JSON array of action names
  free_group TEXT NOT NULL DEFAULT '',
  calls INTEGER NOT NULL CHECK (calls >= 0),
  used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= calls),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  refunded_at INTEGER,
  price_fen INTEGER NOT NULL DEFAULT 0,
  promotion TEXT NOT NULL DEFAULT '',
  refundable INTEGER NOT NULL DEFAULT 0,
  purchase_txn TEXT NOT NULL DEFAULT ''
);
CREATE INDEX packs_by_account_expiry ON packs(account_id, expires_at);

CREATE TABLE ledger_txns (
  id TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  request_hash TEXT NOT NULL,
  account_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  ref TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ledger_txns_by_account_kind_time ON ledger_txns(account_id, kind, at);
CREATE TABLE ledger_postings (
  txn_id TEXT NOT NULL REFERENCES ledger_txns(id),
  leg INTEGER NOT NULL,  -- position within the transaction
  owner TEXT NOT NULL,
  book TEXT NOT NULL,
  amount_fen INTEGER NOT NULL,
  PRIMARY KEY (txn_id, leg)
) WITHOUT ROWID;
CREATE INDEX ledger_postings_by_owner_book ON ledger_postings(owner, book);
CREATE TRIGGER ledger_txns_no_update BEFORE UPDATE ON ledger_txns
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_txns_no_delete BEFORE DELETE ON ledger_txns
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
  BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;

CREATE TABLE vouchers (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  granted_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE INDEX vouchers_by_account ON vouchers(account_id, granted_at);

CREATE TABLE bills (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  month TEXT NOT NULL,  -- YYYY-MM
  created_at INTEGER NOT NULL,
  total_fen INTEGER NOT NULL,
  status TEXT NOT NULL,
  UNIQUE (account_id, month)
);
CREATE TABLE bill_lines (
  bill_id TEXT NOT NULL REFERENCES bills(id),
  line INTEGER NOT NULL,
  action TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  tier INTEGER NOT NULL,
  unit_price_e4 INTEGER NOT NULL,
  amount_fen INTEGER NOT NULL,
  PRIMARY KEY (bill_id, line)
) WITHOUT ROWID;

CREATE TABLE catalog_versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  version TEXT NOT NULL UNIQUE,
  effective_from INTEGER NOT NULL,
  published_at INTEGER NOT NULL,
  body TEXT NOT NULL
);

CREATE TABLE notices (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX notices_by_account_time ON notices(account_id, at);
)sql",
    // Step 3: billing reads per-hour totals, not the per-call log. The log
    // keeps what idempotency (request_id) and `usage list` (at) need; its
    // per-account index made every batch dirty one page per account, which
    // halved insert throughput. The hourly table is keyed hour-first, so a
    // batch's upserts land on a few adjacent pages; its (account_id, hour)
    // index changes only when an account first uses an action in an hour.
    // The log is rebuilt without its CHECK constraints (they cost time on
    // every row; docs/developers/benchmarks.md): the
    // one writer, SqliteTxn::InsertUsage, checks each record before it
    // binds it.
    R"sql(
CREATE TABLE usage_log (
  request_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  action TEXT NOT NULL,
  at INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  source TEXT NOT NULL,   -- 'free' | 'pack' | 'postpaid'
  pack_id TEXT NOT NULL   -- '' exactly when source is 'postpaid'
) WITHOUT ROWID;
INSERT INTO usage_log SELECT request_id, account_id, action, at, quantity, source, pack_id
  FROM usage_records;
DROP TABLE usage_records;
ALTER TABLE usage_log RENAME TO usage_records;
CREATE INDEX usage_by_time ON usage_records(at);

CREATE TABLE usage_hourly (
  hour INTEGER NOT NULL,  -- UnixMicros at the start of the UTC hour
  account_id TEXT NOT NULL,
  action TEXT NOT NULL,
  source TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (hour, account_id, action, source)
) WITHOUT ROWID;
CREATE INDEX usage_hourly_by_account ON usage_hourly(account_id, hour);
INSERT INTO usage_hourly
  SELECT (at / 3600000000 - (at % 3600000000 < 0)) * 3600000000 AS h, account_id, action, source,
         SUM(quantity)
  FROM usage_records GROUP BY h, account_id, action, source;
)sql",
    // Step 4: the tenant console's users (created by the operator; argon2id
    // password hashes, failed sign-ins and lock-out) and their sessions (the
    // cookie's SHA-256, never the cookie itself; a CSRF token per session).
    R"sql(
CREATE TABLE console_users (
  login TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  password_hash TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX console_users_by_account ON console_users(account_id);
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  login TEXT NOT NULL REFERENCES console_users(login),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX console_sessions_by_login ON console_sessions(login);
)sql",
    // Step 5: the operator console (server/console/operator_api.h): its own
    // sign-in table and sessions, apart from tenants' (a session of one is
    // never found in the other), and the append-only log of what operators
    // changed there.
    R"sql(
CREATE TABLE operators (
  login TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE operator_sessions (
  token_hash TEXT PRIMARY KEY,
  login TEXT NOT NULL REFERENCES operators(login),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX operator_sessions_by_login ON operator_sessions(login);
CREATE TABLE operator_actions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  login TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  outcome TEXT NOT NULL  -- "OK" or the refusal's error code
);
CREATE TRIGGER operator_actions_no_update BEFORE UPDATE ON operator_actions
  BEGIN SELECT RAISE(ABORT, 'the operator log is append-only'); END;
CREATE TRIGGER operator_actions_no_delete BEFORE DELETE ON operator_actions
  BEGIN SELECT RAISE(ABORT, 'the operator log is append-only'); END;
CREATE INDEX ledger_txns_by_kind_time ON ledger_txns(kind, at);
)sql",
    // Step 6: the tenant console's spend guard (an optional monthly post-paid
    // budget per account, docs/tenants/console.md "Spend guard") and each key's last
    // use (written at most once a minute per key, billing/accounts.h).
    R"sql(
CREATE TABLE spend_budgets (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id),
  budget_fen INTEGER NOT NULL CHECK (budget_fen >= 0),
  updated_at INTEGER NOT NULL
);
ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
)sql",
    // Step 7: alerts (billing/alerts/alerts.h): each account's subscription (an
    // e-mail address and/or a webhook), the first sighting of each notice
    // (its dedup key; when it happened), and the outbox with its delivery log.
    R"sql(
CREATE TABLE alert_subscriptions (
  account_id TEXT PRIMARY KEY REFERENCES accounts(id),
  email TEXT NOT NULL,
  webhook_url TEXT NOT NULL,
  secret TEXT NOT NULL,
  kinds TEXT NOT NULL,  -- comma-separated; '' = every kind
  language TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE alert_notices (
  account_id TEXT NOT NULL REFERENCES accounts(id),
  key TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
CREATE TABLE alert_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id TEXT NOT NULL REFERENCES accounts(id),
  notice_key TEXT NOT NULL,
  kind TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('email','webhook')),
  target TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending','delivered','failed')),
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_attempt_at INTEGER NOT NULL,
  log TEXT NOT NULL
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt_at);
CREATE INDEX alert_deliveries_by_account ON alert_deliveries(account_id, id);
)sql",
};

}  // namespace kanjian::store
