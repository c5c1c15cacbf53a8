// The PostgreSQL foundation against a real server (Debian postgresql 15,
// started by scripts/pg_cluster.sh): connections, migrations from several
// nodes at once, the month-partitioned call log with RequestIds unique
// across partitions, detaching a billed month, the append-only ledger and
// operator log.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <thread>
#include <vector>

#include "common/error_codes.h"
#include "store/pg/pg_db.h"
#include "store/pg/pg_migrate.h"
#include "store/pg/pg_schema.h"
#include "store/pg/pg_store.h"
#include "tests/support/pg_test_env.h"

namespace kanjian::store::pg {
namespace {

constexpr int64_t kOct2026 = 1'790'784'000'000'000;  // 2026-10-01T00:00+08:00
constexpr int64_t kNov2026 = 1'793'462'400'000'000;  // 2026-11-01T00:00+08:00
constexpr int64_t kDec2026 = 1'796'054'400'000'000;  // 2026-12-01T00:00+08:00

std::unique_ptr<PgConnection> Connect(const std::string& uri) {
  auto c = PgConnection::Open(uri);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? std::move(*c) : nullptr;
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("t_") + info->name();
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    uri_ = PgTestServer::FreshDatabase(name);  // unquoted names fold to lower case
    ASSERT_FALSE(uri_.empty());
    db_ = Connect(uri_);
    ASSERT_NE(db_, nullptr);
  }
  void Migrated() {
    auto n = Migrate(*db_);
    ASSERT_TRUE(n.ok()) << n.status().message();
  }
  // The store's way to record a call: through the RequestId gate.
  int64_t InsertCall(const std::string& request_id, int64_t at) {
    auto r = db_->Exec(
        "WITH gate AS (INSERT INTO usage_request_ids VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING request_id) "
        "INSERT INTO usage_records SELECT request_id, 'acc', 'DetectPet', $2, 1, 'postpaid', '' "
        "FROM gate",
        {P(request_id), P(at)});
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->affected() : -1;
  }
  int64_t Count(const std::string& sql) {
    auto r = db_->Exec(sql);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r->Int(0, 0) : -1;
  }

  std::string uri_;
  std::unique_ptr<PgConnection> db_;
};

TEST(PgConnectionTest, AFailedConnectionNeverShowsThePassword) {
  auto c = PgConnection::Open("postgresql://kanjian:hunter2@127.0.0.1:1/kanjian?connect_timeout=2");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().find("hunter2"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("kanjian:***@127.0.0.1:1"), std::string::npos)
      << c.status().message();
  EXPECT_EQ(RedactUri("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_EQ(RedactUri("postgresql://u:p@ss@h/db"), "postgresql://u:***@h/db");
}

TEST_F(PgStoreTest, NodesStartingTogetherApplyEachStepOnce) {
  constexpr int kNodes = 6;
  std::atomic<int> applied{0}, failed{0};
  std::vector<std::thread> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.emplace_back([&] {
      auto c = PgConnection::Open(uri_);
      if (!c.ok()) return void(++failed);
      auto n = Migrate(**c);
      n.ok() ? void(applied += *n) : void(++failed);
    });
  }
  for (auto& t : nodes) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(applied.load(), static_cast<int>(kPgMigrations.size()));
  EXPECT_EQ(Count("SELECT count(*) FROM schema_migrations"),
            static_cast<int64_t>(kPgMigrations.size()));
  auto again = Migrate(*db_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_F(PgStoreTest, ANewerSchemaIsRefused) {
  Migrated();
  ASSERT_TRUE(db_->Exec("INSERT INTO schema_migrations(version) VALUES (999)").ok());
  auto n = Migrate(*db_);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), errc::kUnsupportedOperation);
  EXPECT_NE(n.status().message().find("schema version is 999, newer than this binary knows"),
            std::string::npos)
      << n.status().message();
  // Opening the store is refused the same way, and the version is readable
  // without migrating.
  auto store = OpenPgStore(uri_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), errc::kUnsupportedOperation);
  auto version = ReadPgSchemaVersion(uri_);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(version->database, 999);
  EXPECT_EQ(version->binary, static_cast<int64_t>(kPgMigrations.size()));
}

TEST_F(PgStoreTest, AnEmptyDatabaseHasSchemaVersionZero) {
  auto version = ReadPgSchemaVersion(uri_);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(version->database, 0);
  Migrated();
  EXPECT_EQ(ReadPgSchemaVersion(uri_)->database, static_cast<int64_t>(kPgMigrations.size()));
}

TEST_F(PgStoreTest, RequestIdIsUniqueAcrossMonthlyPartitions) {
  Migrated();
  ASSERT_TRUE(EnsureUsagePartition(*db_, "2026-10", kOct2026, kNov2026).ok());
  ASSERT_TRUE(EnsureUsagePartition(*db_, "2026-11", kNov2026, kDec2026).ok());
  EXPECT_EQ(InsertCall("req-1", kOct2026 + 5), 1);
  EXPECT_EQ(InsertCall("req-1", kOct2026 + 5), 0);  // a retry
  EXPECT_EQ(InsertCall("req-1", kNov2026 + 7), 0);  // the same id, next month: still one call
  EXPECT_EQ(InsertCall("req-2", kNov2026 + 7), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM usage_records"), 2);
  // Why the gate exists: the partitioned table's own key is (request_id, at),
  // so on its own it would take the same RequestId again in another month.
  EXPECT_TRUE(db_->Exec("INSERT INTO usage_records VALUES ('req-1','acc','DetectPet'," +
                        std::to_string(kNov2026 + 9) + ",1,'postpaid','')")
                  .ok());
  // A call outside every partition is refused, not lost silently.
  auto r = db_->Exec("INSERT INTO usage_records VALUES ('req-3','acc','DetectPet'," +
                     std::to_string(kDec2026) + ",1,'postpaid','')");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(db_->sqlstate(), "23514");  // check_violation: no partition for the row
}

TEST_F(PgStoreTest, PartitionsAreMadeOnceWhenNodesRace) {
  Migrated();
  std::atomic<int> failed{0};
  std::vector<std::thread> nodes;
  for (int i = 0; i < 6; ++i) {
    nodes.emplace_back([&] {
      auto c = PgConnection::Open(uri_);
      if (!c.ok() || !EnsureUsagePartition(**c, "2026-11", kNov2026, kDec2026).ok()) ++failed;
    });
  }
  for (auto& t : nodes) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
                  "WHERE p.relname = 'usage_records'"),
            1);
  EXPECT_FALSE(EnsureUsagePartition(*db_, "2026-13", kNov2026, kDec2026).ok());
  EXPECT_FALSE(EnsureUsagePartition(*db_, "2026-11; DROP TABLE x", kNov2026, kDec2026).ok());
}

TEST_F(PgStoreTest, DetachingABilledMonthKeepsItsRowsAndItsRequestIds) {
  Migrated();
  ASSERT_TRUE(EnsureUsagePartition(*db_, "2026-10", kOct2026, kNov2026).ok());
  ASSERT_TRUE(EnsureUsagePartition(*db_, "2026-11", kNov2026, kDec2026).ok());
  EXPECT_EQ(InsertCall("old", kOct2026 + 1), 1);
  EXPECT_EQ(InsertCall("new", kNov2026 + 1), 1);
  auto detached = DetachUsagePartition(*db_, "2026-10", kOct2026, kNov2026, 42);
  ASSERT_TRUE(detached.ok()) << detached.status().ToString();
  EXPECT_EQ(detached->records, 1);
  EXPECT_EQ(detached->table, "usage_records_2026_10");
  auto again = DetachUsagePartition(*db_, "2026-10", kOct2026, kNov2026, 99);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->detached_at, 42);  // idempotent: the first detach's record
  EXPECT_EQ(Count("SELECT count(*) FROM usage_records"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM usage_records_2026_10"), 1);
  EXPECT_EQ(InsertCall("old", kNov2026 + 2), 0);  // a late retry of an old call is still known
  // The month is never made again, and a month never made is recorded too.
  EXPECT_EQ(EnsureUsagePartition(*db_, "2026-10", kOct2026, kNov2026).code(),
            errc::kInvalidParameterValue);
  auto empty = DetachUsagePartition(*db_, "2026-08", kOct2026 - 1000, kOct2026 - 1, 7);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->records, 0);
  EXPECT_FALSE(EnsureUsagePartition(*db_, "2026-08", kOct2026 - 1000, kOct2026 - 1).ok());
}

TEST_F(PgStoreTest, TheLedgerIsAppendOnly) {
  Migrated();
  ASSERT_TRUE(
      db_->Exec("INSERT INTO ledger_txns VALUES ('t1','k1','h','acc','recharge',1,'','')").ok());
  ASSERT_TRUE(db_->Exec("INSERT INTO ledger_postings VALUES ('t1',0,'acc','cash',100),"
                        "('t1',1,'platform','external',-100)")
                  .ok());
  for (const char* sql : {"UPDATE ledger_txns SET reason='x'", "DELETE FROM ledger_txns",
                          "UPDATE ledger_postings SET amount_fen=1", "DELETE FROM ledger_postings",
                          "TRUNCATE ledger_postings"}) {
    auto r = db_->Exec(sql);
    EXPECT_FALSE(r.ok()) << sql;
    EXPECT_EQ(db_->sqlstate(), "23001") << sql;  // restrict_violation
  }
  EXPECT_EQ(Count("SELECT sum(amount_fen) FROM ledger_postings"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM ledger_postings"), 2);
}

TEST_F(PgStoreTest, TheOperatorLogIsAppendOnly) {
  Migrated();
  ASSERT_TRUE(db_->Exec("INSERT INTO operator_actions(at,login,action,target,detail,outcome) "
                        "VALUES (1,'root','recharge','acc','{}','OK')")
                  .ok());
  for (const char* sql : {"UPDATE operator_actions SET outcome='x'", "DELETE FROM operator_actions",
                          "TRUNCATE operator_actions"}) {
    auto r = db_->Exec(sql);
    EXPECT_FALSE(r.ok()) << sql;
    EXPECT_EQ(db_->sqlstate(), "23001") << sql;  // restrict_violation
  }
  EXPECT_EQ(Count("SELECT count(*) FROM operator_actions WHERE outcome='OK'"), 1);
}

// The server's connections end under the store (as in a PostgreSQL restart):
// the next Write reconnects, and a body whose connection broke before its
// COMMIT was answered runs again once the lost transaction is known to have
// aborted (txid_status), so its account is written exactly once.
TEST_F(PgStoreTest, WritesOutliveTheirConnections) {
  auto store = OpenPgStore(uri_);
  ASSERT_TRUE(store.ok()) << store.status().message();
  const char* kTerminateOthers =
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE datname = current_database() AND pid <> pg_backend_pid() "
      "AND query <> 'LISTEN kanjian_keys'";  // the key watch reconnects on its own
  ASSERT_GE(Count(kTerminateOthers), 1);     // the store's idle connection
  Status first = (*store)->Write([](Txn& txn) {
    return txn.InsertAccount({"a1", "first", AccountStatus::kInactive, 1, std::nullopt, ""});
  });
  EXPECT_TRUE(first.ok()) << first.message();

  int runs = 0;
  Status second = (*store)->Write([&](Txn& txn) {
    ++runs;
    if (Status s =
            txn.InsertAccount({"a2", "second", AccountStatus::kInactive, 2, std::nullopt, ""});
        !s.ok())
      return s;
    if (runs == 1) {
      EXPECT_EQ(Count(kTerminateOthers), 1);  // this transaction's connection
    }
    return Status::Ok();
  });
  EXPECT_TRUE(second.ok()) << second.message();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM accounts"), 2);
}

// A batch and its COMMIT travel in one round trip (pg_txn.h): a statement
// that fails there makes the server skip the COMMIT behind it, and says
// which statement failed and what it refused.
constexpr char kInsertRequestId[] = "INSERT INTO usage_request_ids VALUES ($1, 1)";
constexpr char kRefuse[] = "SELECT kanjian_refuse('KJ001', 'refused', $1)";

TEST_F(PgStoreTest, AStatementRefusedInAPipelineSkipsTheCommitBehindIt) {
  Migrated();
  db_->BeginDeferred("BEGIN ISOLATION LEVEL SERIALIZABLE");
  auto failed = db_->ExecPipeline({{kInsertRequestId, {P("r1")}},
                                   {kRefuse, {P(R"(["r1"])")}},
                                   {"COMMIT", {}, /*prepared=*/false}});
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(db_->failed_statement(), 1);
  EXPECT_EQ(db_->sqlstate(), "KJ001");
  EXPECT_EQ(db_->detail(), R"(["r1"])");
  db_->RollbackIfOpen();  // the transaction is still open, aborted
  EXPECT_EQ(Count("SELECT count(*) FROM usage_request_ids"), 0);

  // The same statements (prepared now) without the refusal commit.
  db_->BeginDeferred("BEGIN ISOLATION LEVEL SERIALIZABLE");
  auto done = db_->ExecPipeline({{kInsertRequestId, {P("r1")}},
                                 {kInsertRequestId, {P("r2")}},
                                 {"COMMIT", {}, /*prepared=*/false}});
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_EQ(done->size(), 3u);  // one result per statement, none for BEGIN
  db_->RollbackIfOpen();        // nothing open: a no-op
  EXPECT_EQ(Count("SELECT count(*) FROM usage_request_ids"), 2);
}

// A read's ROLLBACK is sent without waiting; the connection reads its answer
// when next used, and a transaction that sent nothing costs nothing.
TEST_F(PgStoreTest, AReadEndsWithoutWaitingAndTheConnectionCarriesOn) {
  Migrated();
  for (int i = 0; i < 3; ++i) {
    db_->BeginDeferred("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    auto r = db_->ExecPrepared(kRefuse, {P("[]")});
    EXPECT_FALSE(r.ok());  // fails inside the transaction: aborted until the ROLLBACK
    db_->RollbackReadOnly();
    EXPECT_TRUE(db_->healthy());
  }
  db_->BeginDeferred("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  db_->RollbackReadOnly();  // nothing sent
  EXPECT_EQ(Count("SELECT count(*) FROM usage_request_ids"), 0);
  auto tx = db_->Exec("SELECT 1");
  EXPECT_TRUE(tx.ok()) << tx.status().message();
}

// What a batch of billed calls costs (docs/operators/postgresql.md): BEGIN
// travels with the state read, the batch's log, hourly totals, pack use and
// state bump with COMMIT: two round trips however many calls. A call logged
// before still makes the body run again, told. A read waits for one round
// trip per statement (BEGIN travels with the first; its ROLLBACK is not
// waited for).
TEST_F(PgStoreTest, ABatchOfCallsCostsTwoRoundTrips) {
  auto opened = OpenPgStore(uri_);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Store& store = **opened;
  const UnixMicros at = kOct2026 + 3'600'000'000;
  ASSERT_TRUE(store
                  .Write([&](Txn& txn) -> Status {
                    Account a{"acc-1", "shop", AccountStatus::kActive, at, at, ""};
                    if (Status s = txn.InsertAccount(a); !s.ok()) return s;
                    Pack p;
                    p.id = "pk-1";
                    p.account_id = "acc-1";
                    p.kind = PackKind::kPurchased;
                    p.actions = {"DetectPet"};
                    p.calls = 1000;
                    p.expires_at = kDec2026;
                    return txn.InsertPack(p);
                  })
                  .ok());
  int runs = 0, recorded = 0;
  auto batch = [&](const std::string& tag, int n) {
    runs = 0;
    return store.Write([&](Txn& txn) -> Status {
      ++runs;
      recorded = 0;
      if (auto state = txn.StateAtStart(); !state.ok()) return state.status();
      for (int i = 0; i < n; ++i) {
        UsageRecord r{tag + std::to_string(i), "acc-1", "DetectPet", at, 1,
                      UsageSource::kPack,      "pk-1"};
        auto fresh = txn.InsertCall(std::span(&r, 1));
        if (!fresh.ok()) return fresh.status();
        recorded += *fresh ? 1 : 0;
      }
      if (Status s = txn.AddPackUsed("pk-1", recorded); !s.ok()) return s;
      return txn.StateAfterCommit().status();
    });
  };
  ASSERT_TRUE(batch("a-", 10).ok());  // makes the month's partition, prepares the statements
  // The key watch's LISTEN is a round trip too: done before counting.
  for (int i = 0; i < 1000 && !store.KeysVersion(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(store.KeysVersion().has_value());
  uint64_t before = PgConnection::RoundTrips();
  ASSERT_TRUE(batch("b-", 300).ok());
  EXPECT_EQ(PgConnection::RoundTrips() - before, 2u);
  EXPECT_EQ(runs, 1);
  // b-0..b-299 were logged: a batch retrying them runs again, told, and
  // takes only for the new ones.
  ASSERT_TRUE(batch("b-", 310).ok());
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(recorded, 10);
  before = PgConnection::RoundTrips();
  ASSERT_TRUE(store
                  .Read([&](Txn& txn) -> Status {
                    EXPECT_EQ(txn.FindPack("pk-1")->used, 320);
                    EXPECT_EQ(txn.FindAccount("acc-1")->name, "shop");
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(PgConnection::RoundTrips() - before, 2u);
  EXPECT_EQ(Count("SELECT count(*) FROM usage_records"), 320);

  // ReadOne: its one statement with no transaction around it, one round
  // trip and nothing left open; a second statement is refused.
  before = PgConnection::RoundTrips();
  std::string name;
  ASSERT_TRUE(store
                  .ReadOne([&](Txn& txn) -> Status {
                    auto a = txn.FindAccount("acc-1");
                    if (!a.ok()) return a.status();
                    name = a->name;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(name, "shop");
  EXPECT_EQ(PgConnection::RoundTrips() - before, 1u);
  EXPECT_EQ(Count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND state LIKE 'idle in transaction%'"),
            0);
  Status two = store.ReadOne([&](Txn& txn) -> Status {
    if (auto a = txn.FindAccount("acc-1"); !a.ok()) return a.status();
    return txn.FindPack("pk-1").status();
  });
  EXPECT_EQ(two.code(), errc::kInternalError);
}

}  // namespace
}  // namespace kanjian::store::pg

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new kanjian::store::pg::PgTestServer);
  return RUN_ALL_TESTS();
}
