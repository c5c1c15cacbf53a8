// Store over SQLite in WAL mode with synchronous=FULL, so a committed usage
// batch survives a crash or power loss. One connection, serialised by mu_;
// other processes (the CLI beside a running server) share the file through
// SQLite's own locking.
#include <mutex>

#include "common/error_codes.h"
#include "store/schema.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace kanjian::store {

std::string_view ToString(AccountStatus s) {
  switch (s) {
    case AccountStatus::kInactive: return "inactive";
    case AccountStatus::kActive: return "active";
    case AccountStatus::kDisabled: return "disabled";
  }
  return "inactive";
}

namespace {

AccountStatus ParseAccountStatus(const std::string& s) {
  if (s == "active") return AccountStatus::kActive;
  if (s == "disabled") return AccountStatus::kDisabled;
  return AccountStatus::kInactive;
}

constexpr char kInsertAccount[] =
    "INSERT INTO accounts(id,name,status,created_at,activated_at,disabled_reason) "
    "VALUES(?,?,?,?,?,?)";
constexpr char kSelectAccount[] =
    "SELECT id,name,status,created_at,activated_at,disabled_reason FROM accounts "
    "WHERE id=?1 UNION ALL SELECT id,name,status,created_at,activated_at,disabled_reason "
    "FROM accounts WHERE name=?1 AND id<>?1 LIMIT 1";
constexpr char kUpdateAccount[] =
    "UPDATE accounts SET name=?2,status=?3,activated_at=?4,disabled_reason=?5 WHERE id=?1";
constexpr char kInsertKey[] =
    "INSERT INTO api_keys(secret_id,account_id,sealed_secret,enabled,created_at) "
    "VALUES(?,?,?,?,?)";
constexpr char kSelectKey[] =
    "SELECT secret_id,account_id,sealed_secret,enabled,created_at FROM api_keys WHERE secret_id=?";
constexpr char kSelectKeys[] =
    "SELECT secret_id,account_id,sealed_secret,enabled,created_at FROM api_keys "
    "WHERE account_id=? ORDER BY created_at, secret_id";
constexpr char kSetKeyEnabled[] = "UPDATE api_keys SET enabled=? WHERE secret_id=?";
constexpr char kInsertUsage[] =
    "INSERT OR IGNORE INTO usage_records(request_id,account_id,action,at) VALUES(?,?,?,?)";
constexpr char kSelectUsage[] =
    "SELECT request_id,account_id,action,at FROM usage_records "
    "WHERE account_id=? AND at>=? AND at<? ORDER BY at, request_id";

ApiKey ReadKey(const Statement& s) {
  return ApiKey{s.Text(0), s.Text(1), s.Text(2), s.Int(3) != 0, s.Int(4)};
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Status Migrate() {
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                               "PRAGMA foreign_keys=ON"}) {
      if (Status s = db_->Exec(pragma); !s.ok()) return s;
    }
    Statement version(db_->handle(), "PRAGMA user_version");
    int64_t current = version.Step() ? version.Int(0) : 0;
    if (current > static_cast<int64_t>(kSqliteMigrations.size()))
      return Status(errc::kInternalError, "database schema is newer than this binary");
    for (size_t i = static_cast<size_t>(current); i < kSqliteMigrations.size(); ++i) {
      std::string sql = std::string("BEGIN IMMEDIATE;") + kSqliteMigrations[i] +
                        "PRAGMA user_version=" + std::to_string(i + 1) + ";COMMIT;";
      if (Status s = db_->Exec(sql); !s.ok()) {
        (void)db_->Exec("ROLLBACK");
        return s;
      }
    }
    return Status::Ok();
  }

  Status CreateAccount(const Account& a, const ApiKey& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    return InTransaction([&]() -> Status {
      Statement s(db_->handle(), kInsertAccount);
      s.Bind(1, a.id).Bind(2, a.name).Bind(3, ToString(a.status)).Bind(4, a.created_at);
      a.activated_at ? s.Bind(5, *a.activated_at) : s.BindNull(5);
      s.Bind(6, a.disabled_reason).Step();
      if (s.result_code() == SQLITE_CONSTRAINT)
        return Status(errc::kAlreadyExists, "an account named '" + a.name + "' already exists");
      if (!s.status().ok()) return s.status();
      return InsertKeyLocked(key);
    });
  }

  Result<Account> FindAccount(std::string_view id_or_name) override {
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_->handle(), kSelectAccount);
    s.Bind(1, id_or_name);
    if (!s.Step()) {
      if (!s.status().ok()) return s.status();
      return Status(errc::kNotFound, "no account '" + std::string(id_or_name) + "'");
    }
    return Account{s.Text(0), s.Text(1), ParseAccountStatus(s.Text(2)), s.Int(3),
                   s.OptionalInt(4), s.Text(5)};
  }

  Status UpdateAccount(const Account& a) override {
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_->handle(), kUpdateAccount);
    s.Bind(1, a.id).Bind(2, a.name).Bind(3, ToString(a.status));
    a.activated_at ? s.Bind(4, *a.activated_at) : s.BindNull(4);
    s.Bind(5, a.disabled_reason).Step();
    return s.status();
  }

  Status InsertKey(const ApiKey& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    return InsertKeyLocked(key);
  }

  Result<ApiKey> FindKey(std::string_view secret_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_->handle(), kSelectKey);
    s.Bind(1, secret_id);
    if (!s.Step()) {
      if (!s.status().ok()) return s.status();
      return Status(errc::kNotFound, "no key '" + std::string(secret_id) + "'");
    }
    return ReadKey(s);
  }

  Result<std::vector<ApiKey>> ListKeys(std::string_view account_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_->handle(), kSelectKeys);
    s.Bind(1, account_id);
    std::vector<ApiKey> keys;
    while (s.Step()) keys.push_back(ReadKey(s));
    if (!s.status().ok()) return s.status();
    return keys;
  }

  Status SetKeyEnabled(std::string_view secret_id, bool enabled) override {
    std::lock_guard<std::mutex> lock(mu_);
    return SetKeyEnabledLocked(secret_id, enabled);
  }

  Status RotateKey(std::string_view old_secret_id, const ApiKey& replacement) override {
    std::lock_guard<std::mutex> lock(mu_);
    return InTransaction([&]() -> Status {
      if (Status s = InsertKeyLocked(replacement); !s.ok()) return s;
      return SetKeyEnabledLocked(old_secret_id, false);
    });
  }

  Status AppendUsage(std::span<const UsageRecord> records) override {
    std::lock_guard<std::mutex> lock(mu_);
    return InTransaction([&]() -> Status {
      Statement insert(db_->handle(), kInsertUsage);
      for (const auto& r : records) {
        insert.Reset();
        insert.Bind(1, r.request_id).Bind(2, r.account_id).Bind(3, r.action).Bind(4, r.at).Step();
        if (!insert.status().ok()) return insert.status();
      }
      return Status::Ok();
    });
  }

  Result<std::vector<UsageRecord>> ListUsage(std::string_view account_id, UnixMicros from,
                                             UnixMicros to) override {
    std::lock_guard<std::mutex> lock(mu_);
    Statement s(db_->handle(), kSelectUsage);
    s.Bind(1, account_id).Bind(2, from).Bind(3, to);
    std::vector<UsageRecord> out;
    while (s.Step()) out.push_back(UsageRecord{s.Text(0), s.Text(1), s.Text(2), s.Int(3)});
    if (!s.status().ok()) return s.status();
    return out;
  }

 private:
  // REQUIRES: mu_ held.
  Status InsertKeyLocked(const ApiKey& k) {
    Statement s(db_->handle(), kInsertKey);
    s.Bind(1, k.secret_id).Bind(2, k.account_id).BindBlob(3, k.sealed_secret);
    s.Bind(4, int64_t{k.enabled ? 1 : 0}).Bind(5, k.created_at).Step();
    return s.status();
  }

  // REQUIRES: mu_ held.
  Status SetKeyEnabledLocked(std::string_view secret_id, bool enabled) {
    Statement s(db_->handle(), kSetKeyEnabled);
    s.Bind(1, int64_t{enabled ? 1 : 0}).Bind(2, secret_id).Step();
    if (!s.status().ok()) return s.status();
    if (sqlite3_changes(db_->handle()) == 0)
      return Status(errc::kNotFound, "no key '" + std::string(secret_id) + "'");
    return Status::Ok();
  }

  // REQUIRES: mu_ held. Commits when body() is OK, rolls back otherwise.
  template <typename Body>
  Status InTransaction(Body body) {
    if (Status s = db_->Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    Status s = body();
    if (!s.ok()) {
      (void)db_->Exec("ROLLBACK");
      return s;
    }
    return db_->Exec("COMMIT");
  }

  std::mutex mu_;
  const std::unique_ptr<Database> db_;  // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto db = Database::Open(path);
  if (!db.ok()) return db.status();
  auto store = std::make_unique<SqliteStore>(std::move(db).value());
  if (Status s = store->Migrate(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace kanjian::store
