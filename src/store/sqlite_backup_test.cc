// Backup, restore and the schema version of SQLite files, on real files.
#include "store/sqlite_backup.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "common/error_codes.h"
#include "store/schema_version.h"
#include "store/store.h"

namespace kanjian::store {
namespace {

namespace fs = std::filesystem;

// Runs SQL on a raw connection to `path`; returns "" or the error.
std::string RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  std::string out;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) out = err ? err : "?";
  sqlite3_free(err);
  sqlite3_close(db);
  return out;
}

int64_t UsageCount(Store& store) {
  auto all = store.ListUsage("acc-1", 0, INT64_MAX / 2);
  EXPECT_TRUE(all.ok()) << all.status().ToString();
  return all.ok() ? static_cast<int64_t>(all->size()) : -1;
}

class SqliteBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kanjian-backup-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "live.db").string();
    auto opened = OpenSqliteStore(db_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_
                    ->CreateAccount({"acc-1", "shop", AccountStatus::kActive, 1, 1, ""},
                                    ApiKey{"AK1", "acc-1", "sealed", true, 5})
                    .ok());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  // Writes `calls` usage records in one transaction.
  Status AddCalls(int first, int calls) {
    return store_->Write([&](Txn& txn) -> Status {
      std::vector<UsageRecord> records;
      for (int i = first; i < first + calls; ++i)
        records.push_back({"req-" + std::to_string(i), "acc-1", "DetectPet", 1000 + i, 1,
                           UsageSource::kPostpaid, ""});
      return txn.InsertUsage(records);
    });
  }

  fs::path dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteBackupTest, ANewerSchemaIsRefusedAndLeftAsItIs) {
  store_.reset();
  const int64_t known = SqliteSchemaSteps();
  ASSERT_EQ(RawSql(db_, "PRAGMA user_version=" + std::to_string(known + 1)), "");
  auto opened = OpenSqliteStore(db_);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), errc::kUnsupportedOperation);
  EXPECT_NE(opened.status().message().find("schema version is " + std::to_string(known + 1) +
                                           ", newer than this binary knows (" +
                                           std::to_string(known) + ")"),
            std::string::npos)
      << opened.status().message();
  auto version = ReadSqliteSchemaVersion(db_);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(version->database, known + 1);
  EXPECT_EQ(version->binary, known);
}

TEST_F(SqliteBackupTest, ReadingTheVersionOfAMissingFileCreatesNothing) {
  const std::string missing = (dir_ / "none.db").string();
  auto version = ReadSqliteSchemaVersion(missing);
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.status().code(), errc::kNotFound);
  EXPECT_FALSE(fs::exists(missing));
  EXPECT_EQ(ReadSqliteSchemaVersion(db_)->database, SqliteSchemaSteps());
}

TEST_F(SqliteBackupTest, ABackupIsAPrivateSnapshotAndNeverReplacesAFile) {
  ASSERT_TRUE(AddCalls(0, 7).ok());
  const std::string to = (dir_ / "copy.db").string();
  auto summary = BackupSqlite(db_, to);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->usage_records, 7);
  EXPECT_EQ(summary->schema_version, SqliteSchemaSteps());
  EXPECT_EQ(summary->bytes, static_cast<int64_t>(fs::file_size(to)));
  EXPECT_EQ(fs::status(to).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(fs::exists(to + "-wal"));
  ASSERT_TRUE(AddCalls(7, 1).ok());  // after the snapshot: not in it
  auto again = BackupSqlite(db_, to);
  EXPECT_EQ(again.status().code(), errc::kAlreadyExists);
  EXPECT_FALSE(fs::exists(to + ".partial"));
  auto copy = OpenSqliteStore(to);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(UsageCount(**copy), 7);
}

// Each transaction writes 10 calls while backups run: a consistent snapshot
// holds a whole number of transactions, and more of them as time goes on.
TEST_F(SqliteBackupTest, ABackupUnderWritesHoldsWholeTransactions) {
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      ASSERT_TRUE(AddCalls(i * 10, 10).ok());
      written = (i + 1) * 10;
    }
  });
  int64_t last = -1;
  for (int round = 0; round < 5; ++round) {
    // Writes past what the previous copy held, so this copy must hold more
    // (a slow copy may have taken in every write made so far).
    while (written < (round + 1) * 200 || written <= last) std::this_thread::yield();
    const std::string to = (dir_ / ("copy" + std::to_string(round) + ".db")).string();
    const int before = written;
    auto summary = BackupSqlite(db_, to);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->usage_records % 10, 0) << summary->usage_records;
    EXPECT_GE(summary->usage_records, before);
    EXPECT_GT(summary->usage_records, last);
    last = summary->usage_records;
  }
  stop = true;
  writer.join();
}

TEST_F(SqliteBackupTest, RestoreNeedsForceToReplaceADatabase) {
  ASSERT_TRUE(AddCalls(0, 3).ok());
  const std::string backup = (dir_ / "b.db").string();
  ASSERT_TRUE(BackupSqlite(db_, backup).ok());
  ASSERT_TRUE(AddCalls(3, 4).ok());

  // Into a new path: no --force needed.
  const std::string fresh = (dir_ / "fresh.db").string();
  auto restored = RestoreSqlite(backup, fresh, /*overwrite=*/false);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->usage_records, 3);

  // Over the live database: refused, then done with overwrite, and the open
  // store sees the restored contents.
  auto refused = RestoreSqlite(backup, db_, /*overwrite=*/false);
  EXPECT_EQ(refused.status().code(), errc::kAlreadyExists);
  EXPECT_EQ(UsageCount(*store_), 7);
  auto forced = RestoreSqlite(backup, db_, /*overwrite=*/true);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  EXPECT_EQ(UsageCount(*store_), 3);
}

TEST_F(SqliteBackupTest, RestoreRefusesWhatItCannotRead) {
  const std::string junk = (dir_ / "junk.db").string();
  { std::ofstream(junk) << "not a database, just text that is long enough to be a header"; }
  EXPECT_NE(RestoreSqlite(junk, (dir_ / "x.db").string(), false).status().code(), errc::kOk);
  const std::string empty = (dir_ / "empty.db").string();
  ASSERT_EQ(RawSql(empty, "CREATE TABLE t(x)"), "");
  EXPECT_EQ(RestoreSqlite(empty, (dir_ / "y.db").string(), false).status().code(),
            errc::kInvalidParameterValue);
  const std::string newer = (dir_ / "newer.db").string();
  ASSERT_TRUE(BackupSqlite(db_, newer).ok());
  ASSERT_EQ(RawSql(newer, "PRAGMA user_version=" + std::to_string(SqliteSchemaSteps() + 1)), "");
  EXPECT_EQ(RestoreSqlite(newer, (dir_ / "z.db").string(), false).status().code(),
            errc::kUnsupportedOperation);
  EXPECT_FALSE(fs::exists(dir_ / "z.db"));
  EXPECT_EQ(RestoreSqlite((dir_ / "missing.db").string(), db_, true).status().code(),
            errc::kNotFound);
}

}  // namespace
}  // namespace kanjian::store
