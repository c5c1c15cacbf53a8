// PostgreSQL schema, applied in order by pg_migrate.cc (one row per step in
// schema_migrations). Never edit a released step: append a new one. It
// mirrors the SQLite schema (store/schema.h) table for table, with two
// differences that scale-out needs:
//  - the call log is partitioned by month (declarative RANGE on `at`);
//    PostgreSQL refuses a unique key on a partitioned table unless it holds
//    the partition column, so a RequestId's uniqueness across months lives in
//    usage_request_ids (one narrow row per call: the idempotency gate);
//  - the ledger's append-only rule is a trigger function.
#pragma once

#include <array>

namespace kanjian::store::pg {

inline constexpr std::array<const char*, 7> kPgMigrations = {
    R"sql(
CREATE TABLE accounts (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('inactive','active','disabled')),
  created_at bigint NOT NULL,
  activated_at bigint,
  disabled_reason text NOT NULL DEFAULT ''
);
CREATE TABLE api_keys (
  secret_id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  sealed_secret bytea NOT NULL,
  enabled boolean NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX api_keys_by_account ON api_keys(account_id);

CREATE TABLE usage_request_ids (
  request_id text PRIMARY KEY,
  at bigint NOT NULL  -- finds the row in its partition
);
CREATE TABLE usage_records (
  request_id text NOT NULL,
  account_id text NOT NULL,
  action text NOT NULL,
  at bigint NOT NULL,
  quantity bigint NOT NULL CHECK (quantity > 0),
  source text NOT NULL CHECK (source IN ('free','pack','postpaid')),
  pack_id text NOT NULL CHECK ((source = 'postpaid') = (pack_id = '')),
  PRIMARY KEY (request_id, at)
) PARTITION BY RANGE (at);
CREATE INDEX usage_by_time ON usage_records(at);
CREATE TABLE usage_hourly (
  hour bigint NOT NULL,  -- UnixMicros at the start of the UTC hour
  account_id text NOT NULL,
  action text NOT NULL,
  source text NOT NULL,
  quantity bigint NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (hour, account_id, action, source)
);
CREATE INDEX usage_hourly_by_account ON usage_hourly(account_id, hour);

CREATE TABLE packs (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  kind text NOT NULL CHECK (kind IN ('free','purchased','gift')),
  actions text NOT NULL,  -- JSON array of action names
  free_group text NOT NULL DEFAULT '',
  calls bigint NOT NULL CHECK (calls >= 0),
  used bigint NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= calls),
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  refunded_at bigint,
  price_fen bigint NOT NULL DEFAULT 0,
  promotion text NOT NULL DEFAULT '',
  refundable boolean NOT NULL DEFAULT false,
  purchase_txn text NOT NULL DEFAULT ''
);
CREATE INDEX packs_by_account_expiry ON packs(account_id, expires_at);

CREATE TABLE ledger_txns (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  request_hash text NOT NULL,
  account_id text NOT NULL,
  kind text NOT NULL,
  at bigint NOT NULL,
  ref text NOT NULL DEFAULT '',
  reason text NOT NULL DEFAULT ''
);
CREATE INDEX ledger_txns_by_account_kind_time ON ledger_txns(account_id, kind, at);
CREATE TABLE ledger_postings (
  txn_id text NOT NULL REFERENCES ledger_txns(id),
  leg integer NOT NULL,
  owner text NOT NULL,
  book text NOT NULL,
  amount_fen bigint NOT NULL,
  PRIMARY KEY (txn_id, leg)
);
CREATE INDEX ledger_postings_by_owner_book ON ledger_postings(owner, book);
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger is append-only' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER ledger_txns_append_only BEFORE UPDATE OR DELETE ON ledger_txns
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_txns_no_truncate BEFORE TRUNCATE ON ledger_txns
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE TABLE vouchers (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  amount_fen bigint NOT NULL CHECK (amount_fen >= 0),
  granted_at bigint NOT NULL,
  expires_at bigint
);
CREATE INDEX vouchers_by_account ON vouchers(account_id, granted_at);

CREATE TABLE bills (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  month text NOT NULL,
  created_at bigint NOT NULL,
  total_fen bigint NOT NULL,
  status text NOT NULL,
  UNIQUE (account_id, month)
);
CREATE TABLE bill_lines (
  bill_id text NOT NULL REFERENCES bills(id),
  line integer NOT NULL,
  action text NOT NULL,
  quantity bigint NOT NULL,
  tier integer NOT NULL,
  unit_price_e4 bigint NOT NULL,
  amount_fen bigint NOT NULL,
  PRIMARY KEY (bill_id, line)
);

CREATE TABLE catalog_versions (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  version text NOT NULL UNIQUE,
  effective_from bigint NOT NULL,
  published_at bigint NOT NULL,
  body text NOT NULL
);

CREATE TABLE notices (
  id text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  at bigint NOT NULL,
  kind text NOT NULL,
  message text NOT NULL
);
CREATE INDEX notices_by_account_time ON notices(account_id, at);

CREATE TABLE console_users (
  login text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  password_hash text NOT NULL,
  enabled boolean NOT NULL,
  created_at bigint NOT NULL,
  failed_logins bigint NOT NULL DEFAULT 0,
  locked_until bigint NOT NULL DEFAULT 0
);
CREATE INDEX console_users_by_account ON console_users(account_id);
CREATE TABLE console_sessions (
  token_hash text PRIMARY KEY,
  login text NOT NULL REFERENCES console_users(login),
  csrf_token text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX console_sessions_by_login ON console_sessions(login);
)sql",
    // Step 2 (the store on top of the foundation): usage_hourly per slot;
    // store_state, one counter per connection slot, summed to tell a cache whether packs or
    // accounts changed since it was filled (pg_audit.cc); ledger_txns.seq orders same-instant
    // transactions as they were inserted.
    R"sql(
CREATE TABLE store_state (
  slot integer PRIMARY KEY,
  changes bigint NOT NULL
);
ALTER TABLE ledger_txns ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
-- Hourly totals per connection slot too: two nodes billing one account in
-- one hour upsert different rows, so they never conflict on them; readers
-- sum the slots.
ALTER TABLE usage_hourly ADD COLUMN slot integer NOT NULL DEFAULT 0;
ALTER TABLE usage_hourly DROP CONSTRAINT usage_hourly_pkey;
ALTER TABLE usage_hourly ADD PRIMARY KEY (hour, account_id, action, source, slot);
-- The tenant console's spend guard and keys' last use (SQLite step 6).
CREATE TABLE spend_budgets (
  account_id text PRIMARY KEY REFERENCES accounts(id),
  budget_fen bigint NOT NULL CHECK (budget_fen >= 0),
  updated_at bigint NOT NULL
);
ALTER TABLE api_keys ADD COLUMN last_used_at bigint;
CREATE INDEX ledger_txns_by_account_time ON ledger_txns(account_id, at, seq);
)sql",
    // Step 3: the operator console (SQLite step 5): its own sign-in table and
    // sessions, apart from tenants', and the append-only log of what
    // operators changed there (ids from an identity: increasing, gaps
    // allowed); ledger transactions by kind for its platform views.
    R"sql(
CREATE TABLE operators (
  login text PRIMARY KEY,
  password_hash text NOT NULL,
  enabled boolean NOT NULL,
  created_at bigint NOT NULL,
  failed_logins bigint NOT NULL DEFAULT 0,
  locked_until bigint NOT NULL DEFAULT 0
);
CREATE TABLE operator_sessions (
  token_hash text PRIMARY KEY,
  login text NOT NULL REFERENCES operators(login),
  csrf_token text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX operator_sessions_by_login ON operator_sessions(login);
CREATE TABLE operator_actions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at bigint NOT NULL,
  login text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  detail text NOT NULL,
  outcome text NOT NULL  -- "OK" or the refusal's error code
);
CREATE FUNCTION operator_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the operator log is append-only' USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER operator_actions_append_only BEFORE UPDATE OR DELETE ON operator_actions
  FOR EACH ROW EXECUTE FUNCTION operator_log_append_only();
CREATE TRIGGER operator_actions_no_truncate BEFORE TRUNCATE ON operator_actions
  FOR EACH STATEMENT EXECUTE FUNCTION operator_log_append_only();
CREATE INDEX ledger_txns_by_kind_time ON ledger_txns(kind, at, seq);
)sql",
    // Step 4 (batch writes in one round trip, pg_txn.h): a batch statement
    // that finds something wrong raises an error with it, so the COMMIT sent
    // behind it in the same pipeline is skipped. `code` is a SQLSTATE
    // (KJ001, KJ002), `detail` a JSON array of what was refused.
    R"sql(
CREATE OR REPLACE FUNCTION kanjian_refuse(code text, message text, detail text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, DETAIL = detail;
END $$;
)sql",
    // Step 5 (`kanjian usage detach`): UTC months moved out of the call log
    // once billed, and what each pack drew in them, so the audit still
    // checks every pack's count and skips only those months' hours.
    R"sql(
CREATE TABLE usage_detached (
  month text PRIMARY KEY,  -- UTC "YYYY-MM"
  table_name text NOT NULL,
  from_at bigint NOT NULL,
  to_at bigint NOT NULL,
  records bigint NOT NULL,
  detached_at bigint NOT NULL
);
CREATE TABLE usage_detached_packs (
  month text NOT NULL REFERENCES usage_detached(month),
  pack_id text NOT NULL,
  quantity bigint NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (month, pack_id)
);
)sql",
    // Step 6 (the key cache, pg_key_watch.h): every change to what
    // authenticates a key tells the listening nodes; a key's last use
    // (written once a minute) does not.
    R"sql(
CREATE FUNCTION kanjian_keys_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('kanjian_keys', '');
  RETURN NULL;
END $$;
CREATE TRIGGER api_keys_changed
  AFTER INSERT OR DELETE OR UPDATE OF secret_id, account_id, sealed_secret, enabled ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION kanjian_keys_changed();
CREATE TRIGGER api_keys_truncated AFTER TRUNCATE ON api_keys
  FOR EACH STATEMENT EXECUTE FUNCTION kanjian_keys_changed();
)sql",
    // Step 7: alerts (billing/alerts/alerts.h), as SQLite's step 7: subscriptions,
    // the first sighting of each notice, the outbox with its delivery log.
    R"sql(
CREATE TABLE alert_subscriptions (
  account_id text PRIMARY KEY REFERENCES accounts(id),
  email text NOT NULL,
  webhook_url text NOT NULL,
  secret text NOT NULL,
  kinds text NOT NULL,
  language text NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE alert_notices (
  account_id text NOT NULL REFERENCES accounts(id),
  key text NOT NULL,
  first_seen_at bigint NOT NULL,
  PRIMARY KEY (account_id, key)
);
CREATE TABLE alert_deliveries (
  id bigserial PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts(id),
  notice_key text NOT NULL,
  kind text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email','webhook')),
  target text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending','delivered','failed')),
  attempts bigint NOT NULL,
  created_at bigint NOT NULL,
  next_attempt_at bigint NOT NULL,
  last_attempt_at bigint NOT NULL,
  log text NOT NULL
);
CREATE INDEX alert_deliveries_due ON alert_deliveries(status, next_attempt_at);
CREATE INDEX alert_deliveries_by_account ON alert_deliveries(account_id, id);
)sql",
};

}  // namespace kanjian::store::pg
