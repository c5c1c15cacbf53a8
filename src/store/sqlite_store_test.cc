#include <gtest/gtest.h>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>

#include "common/error_codes.h"
#include "store/schema.h"
#include "store/store.h"

namespace kanjian::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kanjian_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "k.db").string();
    Reopen();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Reopen() {
    store_.reset();
    auto s = OpenSqliteStore(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }
  static ApiKey Key(const std::string& id, const std::string& account) {
    return ApiKey{id, account, std::string("sealed\0bytes", 12), true, 5};
  }
  static UsageRecord Usage(const std::string& id, const std::string& account, UnixMicros at,
                           const std::string& action = "DetectPet", int64_t quantity = 1,
                           const std::string& source = "postpaid", const std::string& pack = "") {
    return UsageRecord{id, account, action, at, quantity, *ParseUsageSource(source), pack};
  }
  void AddAccount(const std::string& id) {
    ASSERT_TRUE(store_
                    ->CreateAccount({id, "name-" + id, AccountStatus::kActive, 1, 1, ""},
                                    Key("AK-" + id, id))
                    .ok());
  }
  // Runs SQL on a second, raw connection to the same file; returns "" or the error.
  std::string RawSql(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char* err = nullptr;
    std::string out;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) out = err ? err : "?";
    sqlite3_free(err);
    sqlite3_close(db);
    return out;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, AccountsAreFoundByIdOrNameAndNamesAreUnique) {
  Account a{"acc-1", "shop", AccountStatus::kInactive, 100, std::nullopt, ""};
  ASSERT_TRUE(store_->CreateAccount(a, Key("AKID1", "acc-1")).ok());
  EXPECT_EQ(store_->FindAccount("shop")->id, "acc-1");
  EXPECT_EQ(store_->FindAccount("acc-1")->name, "shop");
  EXPECT_EQ(store_->FindAccount("nobody").status().code(), errc::kNotFound);

  Account dup{"acc-2", "shop", AccountStatus::kInactive, 100, std::nullopt, ""};
  EXPECT_EQ(store_->CreateAccount(dup, Key("AKID2", "acc-2")).code(), errc::kAlreadyExists);
  // The failed create left no orphan key behind.
  EXPECT_EQ(store_->FindKey("AKID2").status().code(), errc::kNotFound);

  a.status = AccountStatus::kActive;
  a.activated_at = 200;
  ASSERT_TRUE(store_->UpdateAccount(a).ok());
  Reopen();
  auto found = store_->FindAccount("acc-1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->status, AccountStatus::kActive);
  EXPECT_EQ(found->activated_at, 200);
  EXPECT_EQ(store_->FindKey("AKID1")->sealed_secret, std::string("sealed\0bytes", 12));
}

TEST_F(SqliteStoreTest, RotateDisablesTheOldKeyAtomically) {
  ASSERT_TRUE(store_
                  ->CreateAccount({"acc-1", "shop", AccountStatus::kActive, 1, 1, ""},
                                  Key("AKID1", "acc-1"))
                  .ok());
  ASSERT_TRUE(store_->RotateKey("AKID1", Key("AKID2", "acc-1")).ok());
  auto keys = store_->ListKeys("acc-1");
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_FALSE(store_->FindKey("AKID1")->enabled);
  EXPECT_TRUE(store_->FindKey("AKID2")->enabled);
  // Rotating a key that does not exist inserts nothing.
  EXPECT_EQ(store_->RotateKey("AKIDnone", Key("AKID3", "acc-1")).code(), errc::kNotFound);
  EXPECT_EQ(store_->FindKey("AKID3").status().code(), errc::kNotFound);
}

TEST_F(SqliteStoreTest, OldestKeyIsTheFirstCreatedOrNone) {
  auto none = store_->OldestKey();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store_
                  ->CreateAccount({"acc-1", "shop", AccountStatus::kActive, 1, 1, ""},
                                  ApiKey{"AKIDb", "acc-1", "s1", true, 10})
                  .ok());
  ASSERT_TRUE(store_->InsertKey(ApiKey{"AKIDa", "acc-1", "s2", true, 20}).ok());
  ASSERT_TRUE(store_->SetKeyEnabled("AKIDb", false).ok());
  auto oldest = store_->OldestKey();
  ASSERT_TRUE(oldest.ok() && oldest->has_value());
  EXPECT_EQ((*oldest)->secret_id, "AKIDb");  // disabled keys count: they are sealed too
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

TEST_F(SqliteStoreTest, DatabaseWalAndShmAreOwnerOnlyWhateverTheUmask) {
  const mode_t old_umask = ::umask(022);  // alone it would make them 0644
  const std::string path = (dir_ / "fresh.db").string();
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)
                    ->CreateAccount({"acc-1", "shop", AccountStatus::kActive, 1, 1, ""},
                                    Key("AKID1", "acc-1"))
                    .ok());
    for (const char* suffix : {"", "-wal", "-shm"})
      EXPECT_EQ(ModeOf(path + suffix), 0600u) << suffix;
  }
  // A database left readable by others (an older version, a copy) is tightened on open.
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ(ModeOf(path), 0600u);
    ASSERT_TRUE((*store)->InsertKey(Key("AKID2", "acc-1")).ok());
    for (const char* suffix : {"-wal", "-shm"}) EXPECT_EQ(ModeOf(path + suffix), 0600u) << suffix;
  }
  ::umask(old_umask);
}

TEST_F(SqliteStoreTest, SpendBudgetIsSetReplacedAndRemoved) {
  AddAccount("a");
  auto read = [&] {
    std::optional<int64_t> out;
    EXPECT_TRUE(store_
                    ->Read([&](Txn& t) {
                      auto b = t.FindSpendBudget("a");
                      if (b.ok()) out = *b;
                      return b.status();
                    })
                    .ok());
    return out;
  };
  EXPECT_EQ(read(), std::nullopt);
  ASSERT_TRUE(store_->Write([](Txn& t) { return t.SetSpendBudget("a", 500, 1); }).ok());
  EXPECT_EQ(read(), 500);
  ASSERT_TRUE(store_->Write([](Txn& t) { return t.SetSpendBudget("a", 0, 2); }).ok());
  EXPECT_EQ(read(), 0);
  ASSERT_TRUE(store_->Write([](Txn& t) { return t.SetSpendBudget("a", std::nullopt, 3); }).ok());
  EXPECT_EQ(read(), std::nullopt);
  EXPECT_FALSE(store_->Write([](Txn& t) { return t.SetSpendBudget("a", -1, 4); }).ok());  // CHECK
}

TEST_F(SqliteStoreTest, KeyLastUseOnlyMovesForward) {
  AddAccount("a");
  auto last = [&] {
    std::map<std::string, UnixMicros> out;
    EXPECT_TRUE(store_
                    ->Read([&](Txn& t) {
                      auto m = t.KeysLastUsed("a");
                      if (m.ok()) out = *m;
                      return m.status();
                    })
                    .ok());
    return out;
  };
  EXPECT_TRUE(last().empty());
  ASSERT_TRUE(store_->Write([](Txn& t) { return t.TouchKey("AK-a", 200); }).ok());
  ASSERT_TRUE(store_->Write([](Txn& t) { return t.TouchKey("AK-a", 100); }).ok());
  EXPECT_EQ(last(), (std::map<std::string, UnixMicros>{{"AK-a", 200}}));
}

TEST_F(SqliteStoreTest, UsagePagesWalkOneAccountsActionInOrder) {
  AddAccount("a");
  AddAccount("b");
  std::vector<UsageRecord> records;
  for (int i = 0; i < 5; ++i) records.push_back(Usage("r" + std::to_string(i), "a", 1000 + i / 2));
  records.push_back(Usage("other-account", "b", 1001));
  records.push_back(Usage("other-action", "a", 1001, "RecognizeCar"));
  records.push_back(Usage("outside", "a", 5000));
  ASSERT_TRUE(store_->AppendUsage(records).ok());
  std::vector<std::string> seen;
  UnixMicros at = 0;
  std::string after;
  for (int page = 0; page < 4; ++page) {
    std::vector<UsageRecord> got;
    ASSERT_TRUE(store_
                    ->Read([&](Txn& t) {
                      auto p = t.ListUsagePage("a", "DetectPet", 1000, 2000, at, after, 2);
                      if (p.ok()) got = *p;
                      return p.status();
                    })
                    .ok());
    for (const auto& r : got) seen.push_back(r.request_id);
    if (got.size() < 2) break;
    at = got.back().at;
    after = got.back().request_id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"r0", "r1", "r2", "r3", "r4"}));
}

TEST_F(SqliteStoreTest, UsageIsIdempotentOnRequestIdAndDurable) {
  ASSERT_TRUE(store_
                  ->CreateAccount({"acc-1", "shop", AccountStatus::kActive, 1, 1, ""},
                                  Key("AKID1", "acc-1"))
                  .ok());
  std::vector<UsageRecord> batch = {Usage("r1", "acc-1", 10), Usage("r2", "acc-1", 20),
                                    Usage("r1", "acc-1", 10)};
  ASSERT_TRUE(store_->AppendUsage(batch).ok());
  ASSERT_TRUE(store_->AppendUsage(std::span(batch).subspan(1, 1)).ok());  // a retry
  Reopen();
  auto all = store_->ListUsage("acc-1", 0, 1000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].request_id, "r1");
  EXPECT_EQ(store_->ListUsage("acc-1", 11, 20)->size(), 0u);  // upper bound excluded
  // A record for an unknown account violates the foreign key and is refused whole.
  std::vector<UsageRecord> bad = {Usage("r3", "acc-1", 30), Usage("r4", "nope", 30)};
  EXPECT_FALSE(store_->AppendUsage(bad).ok());
  EXPECT_EQ(store_->ListUsage("acc-1", 0, 1000)->size(), 2u);
}

TEST_F(SqliteStoreTest, UsageKeepsQuantitySourceAndPackAndRefusesInconsistentRecords) {
  AddAccount("acc-1");
  std::vector<UsageRecord> batch = {Usage("r1", "acc-1", 10, "DetectPet", 3, "pack", "pk-1"),
                                    Usage("r2", "acc-1", 11, "DetectPet", 1, "free", "pk-f")};
  ASSERT_TRUE(store_->AppendUsage(batch).ok());
  auto all = store_->ListUsage("acc-1", 0, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].quantity, 3);
  EXPECT_EQ(ToString((*all)[0].source), "pack");
  EXPECT_EQ((*all)[0].pack_id, "pk-1");
  EXPECT_EQ(ToString((*all)[1].source), "free");
  // Refused, not silently dropped: a zero quantity, an unknown source, a
  // post-paid record naming a pack, a pack record naming none.
  for (const UsageRecord& bad : {Usage("b1", "acc-1", 12, "DetectPet", 0),
                                 Usage("b2", "acc-1", 12, "DetectPet", 1, "gratis"),
                                 Usage("b3", "acc-1", 12, "DetectPet", 1, "postpaid", "pk-1"),
                                 Usage("b4", "acc-1", 12, "DetectPet", 1, "pack", "")}) {
    EXPECT_EQ(store_->AppendUsage(std::span(&bad, 1)).code(), errc::kInternalError)
        << bad.request_id;
  }
  EXPECT_EQ(store_->ListUsage("acc-1", 0, 100)->size(), 2u);
}

// Usage is summed from hourly totals: whole hours in, hour boundaries exact.
TEST_F(SqliteStoreTest, SumUsageGroupsByAccountActionAndSourceOverWholeHours) {
  AddAccount("acc-1");
  AddAccount("acc-2");
  constexpr UnixMicros H = kMicrosPerHour;
  std::vector<UsageRecord> batch = {
      Usage("a", "acc-1", 10, "DetectPet", 2, "free", "pk-f"),
      Usage("b", "acc-1", H + 11, "DetectPet", 5, "free", "pk-f"),
      Usage("c", "acc-1", 12, "DetectPet", 4),
      Usage("d", "acc-1", 2 * H - 1, "RecognizeCar", 7, "pack", "pk-1"),
      Usage("e", "acc-2", 14, "DetectPet", 1),
      Usage("f", "acc-1", 2 * H, "DetectPet", 1000),            // outside [0, 2h)
      Usage("a", "acc-1", 10, "DetectPet", 2, "free", "pk-f"),  // a retry: counted once
  };
  ASSERT_TRUE(store_->AppendUsage(batch).ok());
  ASSERT_TRUE(store_->AppendUsage(std::span(batch).subspan(0, 2)).ok());  // retried again
  auto one = store_->Read([&](Txn& txn) -> Status {
    auto sums = txn.SumUsage("acc-1", 0, 2 * H);
    if (!sums.ok()) return sums.status();
    EXPECT_EQ(sums->size(), 3u);
    if (sums->size() != 3u) return Status::Ok();
    EXPECT_EQ((*sums)[0].action, "DetectPet");
    EXPECT_EQ(ToString((*sums)[0].source), "free");
    EXPECT_EQ((*sums)[0].quantity, 7);
    EXPECT_EQ(ToString((*sums)[1].source), "postpaid");
    EXPECT_EQ((*sums)[1].quantity, 4);
    EXPECT_EQ((*sums)[2].action, "RecognizeCar");
    EXPECT_EQ((*sums)[2].account_id, "acc-1");
    EXPECT_EQ((*sums)[2].quantity, 7);
    EXPECT_EQ(txn.SumUsage("acc-1", H, 2 * H)->size(), 2u);  // hour 0 left out
    EXPECT_EQ(txn.SumUsage("acc-1", 2 * H, 3 * H)->at(0).quantity, 1000);

    auto every = txn.SumUsage("", 0, 2 * H);
    if (!every.ok()) return every.status();
    EXPECT_EQ(every->size(), 4u);
    if (every->size() != 4u) return Status::Ok();
    EXPECT_EQ(every->back().account_id, "acc-2");
    EXPECT_EQ(every->back().quantity, 1);
    EXPECT_TRUE(txn.SumUsage("acc-1", H, H)->empty());
    // Not a whole hour: refused rather than silently rounded.
    EXPECT_EQ(txn.SumUsage("acc-1", 0, 100).status().code(), errc::kInternalError);
    EXPECT_TRUE(txn.UsageTotalsMismatch()->empty());
    return Status::Ok();
  });
  EXPECT_TRUE(one.ok()) << one.ToString();
}

// Attribution caches packs while the state is the one its commit left.
TEST_F(SqliteStoreTest, StateChangesWithEveryCommitHereOrInAnotherConnection) {
  AddAccount("acc-1");
  auto state_now = [&] {
    uint64_t state = 0;
    EXPECT_TRUE(store_
                    ->Read([&](Txn& txn) -> Status {
                      auto s = txn.StateAtStart();
                      if (s.ok()) state = *s;
                      EXPECT_FALSE(txn.StateAfterCommit().ok());  // a read commits nothing
                      return s.status();
                    })
                    .ok());
    return state;
  };
  const uint64_t s0 = state_now();
  EXPECT_EQ(state_now(), s0);  // reads change nothing
  uint64_t promised = 0;
  ASSERT_TRUE(store_
                  ->Write([&](Txn& txn) -> Status {
                    EXPECT_EQ(*txn.StateAtStart(), s0);
                    promised = *txn.StateAfterCommit();
                    return txn.InsertVoucher({"v-1", "acc-1", 5, 1, {}});
                  })
                  .ok());
  EXPECT_NE(promised, s0);
  EXPECT_EQ(state_now(), promised);
  // A write that rolls back leaves the state as it was.
  (void)store_->Write([&](Txn&) { return Status(errc::kInternalError, "no"); });
  EXPECT_EQ(state_now(), promised);
  // A commit by another connection (another process) changes it too.
  auto other = OpenSqliteStore(path_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)
                  ->Write([&](Txn& txn) {
                    return txn.InsertVoucher({"v-2", "acc-1", 5, 1, {}});
                  })
                  .ok());
  EXPECT_NE(state_now(), promised);
}

TEST_F(SqliteStoreTest, HourOfFloorsToTheUtcHour) {
  constexpr UnixMicros H = kMicrosPerHour;
  EXPECT_EQ(HourOf(0), 0);
  EXPECT_EQ(HourOf(H - 1), 0);
  EXPECT_EQ(HourOf(H), H);
  EXPECT_EQ(HourOf(-1), -H);
  EXPECT_EQ(HourOf(-H), -H);
}

TEST_F(SqliteStoreTest, AuditFindsHourlyTotalsThatDisagreeWithTheLog) {
  AddAccount("acc-1");
  std::vector<UsageRecord> batch = {Usage("a", "acc-1", 10), Usage("b", "acc-1", 20)};
  ASSERT_TRUE(store_->AppendUsage(batch).ok());
  ASSERT_EQ(RawSql("UPDATE usage_hourly SET quantity=3;"
                   "INSERT INTO usage_hourly VALUES(3600000000,'acc-1','DetectPet','free',1);"),
            "");
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    EXPECT_EQ(*txn.UsageTotalsMismatch(),
                              (std::vector<std::string>{"acc-1 DetectPet free hour 3600000000",
                                                        "acc-1 DetectPet postpaid hour 0"}));
                    return Status::Ok();
                  })
                  .ok());
}

Pack MakePack(const std::string& id, const std::string& kind, std::vector<std::string> actions,
              int64_t calls, UnixMicros created, UnixMicros expires) {
  Pack p;
  p.id = id;
  p.account_id = "acc-1";
  p.kind = *ParsePackKind(kind);
  p.actions = std::move(actions);
  p.free_group = kind == "free" ? "CAR" : "";
  p.calls = calls;
  p.created_at = created;
  p.expires_at = expires;
  return p;
}

TEST_F(SqliteStoreTest, PacksRoundTripAndLiveOnesAreFiltered) {
  AddAccount("acc-1");
  AddAccount("acc-2");
  Pack full = MakePack("pk-buy", "purchased", {"RecognizeCarPro"}, 100, 50, 1000);
  full.price_fen = 73000;
  full.promotion = "spring";
  full.refundable = true;
  full.purchase_txn = "tx-1";
  Pack other_account = MakePack("pk-other", "purchased", {"RecognizeCarPro"}, 10, 0, 1000);
  other_account.account_id = "acc-2";
  Pack refunded = MakePack("pk-refunded", "purchased", {"RecognizeCarPro"}, 10, 0, 1000);
  refunded.refunded_at = 60;
  Pack used_up = MakePack("pk-used", "purchased", {"RecognizeCarPro"}, 10, 0, 1000);
  used_up.used = 10;
  std::vector<Pack> packs = {
      full,
      MakePack("pk-free", "free", {"RecognizeCar", "RecognizeCarPro"}, 10, 0, 2000),
      MakePack("pk-early", "gift", {"RecognizeCarPro"}, 10, 0, 500),
      MakePack("pk-early-b", "gift", {"RecognizeCarPro"}, 10, 0, 500),  // same expiry, id after
      MakePack("pk-late", "purchased", {"RecognizeCarPro"}, 10, 101, 3000),  // not yet created
      MakePack("pk-expired", "purchased", {"RecognizeCarPro"}, 10, 0, 100),  // at == expires_at
      MakePack("pk-pet", "purchased", {"DetectPet"}, 10, 0, 1000),
      other_account,
      refunded,
      used_up,
  };
  ASSERT_TRUE(store_
                  ->Write([&](Txn& txn) -> Status {
                    for (const Pack& p : packs)
                      if (Status s = txn.InsertPack(p); !s.ok()) return s;
                    return Status::Ok();
                  })
                  .ok());

  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    auto found = txn.FindPack("pk-buy");
                    EXPECT_TRUE(found.ok());
                    EXPECT_EQ(found->actions, std::vector<std::string>{"RecognizeCarPro"});
                    EXPECT_EQ(found->price_fen, 73000);
                    EXPECT_EQ(found->promotion, "spring");
                    EXPECT_TRUE(found->refundable);
                    EXPECT_EQ(found->purchase_txn, "tx-1");
                    EXPECT_EQ(found->created_at, 50);
                    EXPECT_EQ(found->expires_at, 1000);
                    EXPECT_FALSE(found->refunded_at);
                    EXPECT_EQ(txn.FindPack("pk-refunded")->refunded_at, 60);
                    EXPECT_EQ(txn.FindPack("pk-none").status().code(), errc::kNotFound);
                    EXPECT_EQ(txn.ListPacks("acc-1")->size(), 9u);
                    EXPECT_EQ(txn.ListPacks("acc-1")->front().id,
                              "pk-expired");  // earliest expiry first

                    // Live packs are candidates in no particular order (billing orders them):
                    // not refunded, not used up, expiring after `from`; any action.
                    auto ids_of = [](const Result<std::vector<Pack>>& packs) {
                      std::vector<std::string> ids;
                      for (const Pack& p : *packs) ids.push_back(p.id);
                      std::sort(ids.begin(), ids.end());
                      return ids;
                    };
                    EXPECT_EQ(ids_of(txn.ListLivePacks("acc-1", 100)),
                              (std::vector<std::string>{"pk-buy", "pk-early", "pk-early-b",
                                                        "pk-free", "pk-late", "pk-pet"}));
                    EXPECT_EQ(ids_of(txn.ListLivePacks("acc-1", 99)).size(), 7u);  // pk-expired too
                    EXPECT_EQ(ids_of(txn.ListLivePacks("acc-1", 2500)),
                              std::vector<std::string>{"pk-late"});
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, FreePackIsFoundByGroupAndMonth) {
  AddAccount("acc-1");
  ASSERT_TRUE(
      store_
          ->Write([&](Txn& txn) -> Status {
            if (Status s =
                    txn.InsertPack(MakePack("f-jan", "free", {"RecognizeCar"}, 10, 100, 200));
                !s.ok())
              return s;
            if (Status s =
                    txn.InsertPack(MakePack("f-feb", "free", {"RecognizeCar"}, 10, 200, 300));
                !s.ok())
              return s;
            return txn.InsertPack(MakePack("p-jan", "purchased", {"RecognizeCar"}, 10, 100, 900));
          })
          .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    EXPECT_EQ(txn.FindFreePack("acc-1", "CAR", 100, 200).value()->id, "f-jan");
                    EXPECT_EQ(txn.FindFreePack("acc-1", "CAR", 200, 300).value()->id, "f-feb");
                    EXPECT_FALSE(txn.FindFreePack("acc-1", "CAR", 300, 400).value());
                    EXPECT_FALSE(txn.FindFreePack("acc-1", "PET", 100, 200).value());
                    EXPECT_FALSE(txn.FindFreePack("acc-2", "CAR", 100, 200).value());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, PackUseStaysWithinCallsAndRefundIsOnce) {
  AddAccount("acc-1");
  ASSERT_TRUE(store_
                  ->Write([&](Txn& txn) {
                    return txn.InsertPack(MakePack("pk", "purchased", {"DetectPet"}, 10, 0, 1000));
                  })
                  .ok());
  Status s = store_->Write([&](Txn& txn) -> Status {
    if (Status st = txn.AddPackUsed("pk", 4); !st.ok()) return st;
    return txn.AddPackUsed("pk", 6);
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(store_->Write([&](Txn& txn) { return txn.AddPackUsed("pk", 1); }).code(),
            errc::kInternalError);  // would exceed calls
  EXPECT_EQ(store_->Write([&](Txn& txn) { return txn.AddPackUsed("pk", -11); }).code(),
            errc::kInternalError);  // would go negative
  EXPECT_EQ(store_->Write([&](Txn& txn) { return txn.AddPackUsed("nope", 1); }).code(),
            errc::kNotFound);
  EXPECT_TRUE(store_->Write([&](Txn& txn) { return txn.AddPackUsed("pk", -10); }).ok());

  EXPECT_TRUE(store_->Write([&](Txn& txn) { return txn.MarkPackRefunded("pk", 77); }).ok());
  EXPECT_EQ(store_->Write([&](Txn& txn) { return txn.MarkPackRefunded("pk", 88); }).code(),
            errc::kAlreadyExists);
  EXPECT_EQ(store_->Write([&](Txn& txn) { return txn.MarkPackRefunded("nope", 88); }).code(),
            errc::kNotFound);
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    auto p = txn.FindPack("pk");
                    EXPECT_EQ(p->used, 0);
                    EXPECT_EQ(p->refunded_at, 77);
                    EXPECT_TRUE(txn.ListLivePacks("acc-1", 10)->empty());
                    return Status::Ok();
                  })
                  .ok());
}

LedgerTxn Recharge(const std::string& id, const std::string& key, UnixMicros at, int64_t fen) {
  return LedgerTxn{id,
                   key,
                   "hash-" + key,
                   "acc-1",
                   LedgerKind::kRecharge,
                   at,
                   "",
                   "",
                   {{"acc-1", "cash", fen}, {"platform", "external", -fen}}};
}

// A word the store never writes, put there behind its back, makes the read
// fail naming the column and the word; it is not read as the enum's first
// value (a ledger kind of 'bogus' is not a recharge).
TEST_F(SqliteStoreTest, AnUnknownStoredWordFailsTheReadNamingColumnAndWord) {
  AddAccount("acc-1");
  ASSERT_EQ(RawSql("INSERT INTO ledger_txns(id,idempotency_key,request_hash,account_id,kind,at,"
                   "ref,reason) VALUES('tx-b','kb','hb','acc-1','bogus',10,'','')"),
            "");
  // The schema's CHECK admits only the store's words; an editor can turn it off.
  ASSERT_EQ(RawSql("PRAGMA ignore_check_constraints=ON; "
                   "UPDATE accounts SET status='frozen' WHERE id='acc-1'"),
            "");
  Status s = store_->Read([&](Txn& txn) -> Status {
    auto found = txn.FindLedgerTxnByKey("kb");
    EXPECT_FALSE(found.ok());
    EXPECT_EQ(found.status().code(), errc::kInternalError);
    EXPECT_NE(found.status().message().find("ledger_txns.kind holds 'bogus'"), std::string::npos)
        << found.status().ToString();
    auto listed = txn.ListLedgerTxns("acc-1");
    EXPECT_FALSE(listed.ok());
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  auto account = store_->FindAccount("acc-1");
  ASSERT_FALSE(account.ok());
  EXPECT_EQ(account.status().code(), errc::kInternalError);
  EXPECT_NE(account.status().message().find("accounts.status holds 'frozen'"), std::string::npos)
      << account.status().ToString();
  EXPECT_EQ(store_->Read([](Txn& txn) { return txn.ListAccounts().status(); }).code(),
            errc::kInternalError);
}

TEST_F(SqliteStoreTest, LedgerTakesBalancedTxnsOnceAndSumsBalances) {
  AddAccount("acc-1");
  LedgerTxn purchase{
      "tx-3",
      "k3",
      "h3",
      "acc-1",
      LedgerKind::kPurchase,
      30,
      "pk-1",
      "",
      {{"acc-1", "cash", -700}, {"acc-1", "gift", -30}, {"platform", "revenue:pack", 730}}};
  ASSERT_TRUE(store_
                  ->Write([&](Txn& txn) -> Status {
                    for (const LedgerTxn& t : {Recharge("tx-2", "k2", 20, 500),
                                               Recharge("tx-1", "k1", 10, 1000), purchase}) {
                      if (Status s = txn.InsertLedgerTxn(t); !s.ok()) return s;
                    }
                    return Status::Ok();
                  })
                  .ok());
  // Unbalanced: refused before anything is written.
  LedgerTxn unbalanced = Recharge("tx-4", "k4", 40, 5);
  unbalanced.postings.push_back({"acc-1", "gift", 1});
  EXPECT_EQ(store_->Write([&](Txn& txn) { return txn.InsertLedgerTxn(unbalanced); }).code(),
            errc::kInternalError);
  // A reused idempotency key (or txn id) is refused.
  EXPECT_EQ(
      store_->Write([&](Txn& txn) { return txn.InsertLedgerTxn(Recharge("tx-5", "k1", 50, 9)); })
          .code(),
      errc::kAlreadyExists);
  EXPECT_EQ(
      store_->Write([&](Txn& txn) { return txn.InsertLedgerTxn(Recharge("tx-1", "k6", 50, 9)); })
          .code(),
      errc::kAlreadyExists);

  Reopen();
  ASSERT_TRUE(
      store_
          ->Read([&](Txn& txn) -> Status {
            auto found = txn.FindLedgerTxnByKey("k3");
            EXPECT_TRUE(found.ok() && found->has_value());
            const LedgerTxn& t = **found;
            EXPECT_EQ(t.id, "tx-3");
            EXPECT_EQ(t.request_hash, "h3");
            EXPECT_EQ(ToString(t.kind), "purchase");
            EXPECT_EQ(t.ref, "pk-1");
            EXPECT_EQ(t.at, 30);
            EXPECT_EQ(t.postings.size(), 3u);
            EXPECT_EQ(t.postings[1].book, "gift");
            EXPECT_EQ(t.postings[2].amount_fen, 730);
            EXPECT_FALSE(txn.FindLedgerTxnByKey("k4").value());

            auto mine = txn.Balances("acc-1");
            EXPECT_EQ(*mine, (std::map<std::string, int64_t>{{"cash", 800}, {"gift", -30}}));
            auto platform = txn.Balances("platform");
            EXPECT_EQ(*platform,
                      (std::map<std::string, int64_t>{{"external", -1500}, {"revenue:pack", 730}}));

            auto list = txn.ListLedgerTxns("acc-1");
            EXPECT_EQ(list->size(), 3u);
            EXPECT_EQ((*list)[0].id, "tx-1");  // oldest first
            EXPECT_EQ((*list)[0].postings.size(), 2u);
            EXPECT_EQ((*list)[2].id, "tx-3");
            EXPECT_EQ(*txn.CountLedgerTxns("acc-1", LedgerKind::kRecharge, 10, 20), 1);
            EXPECT_EQ(*txn.CountLedgerTxns("acc-1", LedgerKind::kRecharge, 0, 100), 2);
            EXPECT_EQ(*txn.CountLedgerTxns("acc-1", LedgerKind::kRefund, 0, 100), 0);
            EXPECT_TRUE(txn.UnbalancedLedgerTxns()->empty());
            return Status::Ok();
          })
          .ok());
}

TEST_F(SqliteStoreTest, TheSchemaKeepsTheLedgerAppendOnly) {
  AddAccount("acc-1");
  ASSERT_TRUE(
      store_->Write([&](Txn& txn) { return txn.InsertLedgerTxn(Recharge("tx-1", "k1", 10, 100)); })
          .ok());
  for (const char* sql :
       {"UPDATE ledger_txns SET reason='oops'", "DELETE FROM ledger_txns",
        "UPDATE ledger_postings SET amount_fen=amount_fen*2", "DELETE FROM ledger_postings"}) {
    EXPECT_NE(RawSql(sql).find("ledger is append-only"), std::string::npos) << sql;
  }
  // Inserting is allowed, even unbalanced by hand: the audit finds it.
  EXPECT_EQ(RawSql("INSERT INTO ledger_txns VALUES('tx-bad','kb','h','acc-1','x',1,'','');"
                   "INSERT INTO ledger_postings VALUES('tx-bad',0,'acc-1','cash',5)"),
            "");
  ASSERT_TRUE(
      store_
          ->Read([&](Txn& txn) -> Status {
            EXPECT_EQ(*txn.Balances("acc-1"), (std::map<std::string, int64_t>{{"cash", 105}}));
            EXPECT_EQ(*txn.UnbalancedLedgerTxns(), std::vector<std::string>{"tx-bad"});
            return Status::Ok();
          })
          .ok());
}

TEST_F(SqliteStoreTest, VouchersRoundTrip) {
  AddAccount("acc-1");
  ASSERT_TRUE(
      store_
          ->Write([&](Txn& txn) -> Status {
            if (Status s = txn.InsertVoucher({"v-2", "acc-1", 300, 20, std::nullopt}); !s.ok())
              return s;
            return txn.InsertVoucher({"v-1", "acc-1", 500, 10, 1000});
          })
          .ok());
  EXPECT_EQ(store_->Write([&](Txn& txn) {
                    return txn.InsertVoucher({"v-1", "acc-1", 1, 1, {}});
                  })
                .code(),
            errc::kAlreadyExists);
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    auto v = txn.FindVoucher("v-1");
                    EXPECT_EQ(v->amount_fen, 500);
                    EXPECT_EQ(v->expires_at, 1000);
                    EXPECT_FALSE(txn.FindVoucher("v-2")->expires_at);
                    EXPECT_EQ(txn.FindVoucher("v-9").status().code(), errc::kNotFound);
                    auto list = txn.ListVouchers("acc-1");
                    EXPECT_EQ(list->size(), 2u);
                    EXPECT_EQ(list->front().id, "v-1");  // by grant time
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, OneBillPerAccountAndMonth) {
  AddAccount("acc-1");
  Bill feb{"b-2",
           "acc-1",
           "2023-02",
           200,
           70200,
           BillStatus::kSettled,
           {{"RecognizeCarPro", 9000, 1, 750, 67500}, {"RecognizeCar", 9000, 1, 30, 2700}}};
  Bill jan{"b-1", "acc-1", "2023-01", 300, 0, BillStatus::kSettled, {}};
  ASSERT_TRUE(store_
                  ->Write([&](Txn& txn) -> Status {
                    if (Status s = txn.InsertBill(feb); !s.ok()) return s;
                    return txn.InsertBill(jan);  // created later, for an earlier month
                  })
                  .ok());
  Bill again = feb;
  again.id = "b-3";
  EXPECT_EQ(store_->Write([&](Txn& txn) { return txn.InsertBill(again); }).code(),
            errc::kAlreadyExists);
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    auto found = txn.FindBill("acc-1", "2023-02");
                    EXPECT_TRUE(found.ok() && found->has_value());
                    const Bill& b = **found;
                    EXPECT_EQ(b.id, "b-2");
                    EXPECT_EQ(b.total_fen, 70200);
                    EXPECT_EQ(ToString(b.status), "settled");
                    EXPECT_EQ(b.lines.size(), 2u);  // not doubled by the refused second bill
                    EXPECT_EQ(b.lines[0].action, "RecognizeCarPro");
                    EXPECT_EQ(b.lines[0].tier, 1);
                    EXPECT_EQ(b.lines[0].unit_price_e4, 750);
                    EXPECT_EQ(b.lines[1].amount_fen, 2700);
                    EXPECT_FALSE(txn.FindBill("acc-1", "2023-03").value());
                    EXPECT_EQ(txn.LatestBill("acc-1").value()->month, "2023-02");
                    EXPECT_FALSE(txn.LatestBill("acc-2").value());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, CatalogVersionsGetIncreasingSeqAndNoticesList) {
  AddAccount("acc-1");
  int64_t first = 0, second = 0;
  ASSERT_TRUE(
      store_
          ->Write([&](Txn& txn) -> Status {
            auto a = txn.InsertCatalogVersion({0, "2022-01", 100, 90, R"({"v":1})"});
            if (!a.ok()) return a.status();
            auto b = txn.InsertCatalogVersion({0, "2022-10-24", 200, 95, R"({"v":2})"});
            if (!b.ok()) return b.status();
            first = *a;
            second = *b;
            if (Status s = txn.InsertNotice({"n-2", "acc-1", 20, "quota", "lower"}); !s.ok())
              return s;
            return txn.InsertNotice({"n-1", "acc-1", 10, "quota", "first"});
          })
          .ok());
  EXPECT_LT(first, second);
  EXPECT_EQ(store_
                ->Write([&](Txn& txn) {
                  return txn.InsertCatalogVersion({0, "2022-01", 1, 1, "{}"}).status();
                })
                .code(),
            errc::kAlreadyExists);
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    auto versions = txn.ListCatalogVersions();
                    EXPECT_EQ(versions->size(), 2u);
                    EXPECT_EQ((*versions)[0].seq, first);
                    EXPECT_EQ((*versions)[0].version, "2022-01");
                    EXPECT_EQ((*versions)[1].body, R"({"v":2})");
                    EXPECT_EQ((*versions)[1].effective_from, 200);
                    EXPECT_EQ((*versions)[1].published_at, 95);
                    auto notices = txn.ListNotices("acc-1");
                    EXPECT_EQ(notices->size(), 2u);
                    EXPECT_EQ(notices->front().id, "n-1");
                    EXPECT_EQ(notices->front().message, "first");
                    EXPECT_TRUE(txn.ListNotices("acc-2")->empty());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, AuditFindsPacksWhoseUseDisagreesWithUsage) {
  AddAccount("acc-1");
  ASSERT_TRUE(
      store_
          ->Write([&](Txn& txn) -> Status {
            for (const char* id : {"pk-ok", "pk-over", "pk-idle"}) {
              if (Status s = txn.InsertPack(MakePack(id, "purchased", {"DetectPet"}, 10, 0, 1000));
                  !s.ok())
                return s;
            }
            std::vector<UsageRecord> records = {
                Usage("a", "acc-1", 1, "DetectPet", 3, "pack", "pk-ok"),
                Usage("b", "acc-1", 2, "DetectPet", 2, "pack", "pk-ok"),
                Usage("c", "acc-1", 3, "DetectPet", 1, "pack", "pk-over"),
                Usage("d", "acc-1", 4, "DetectPet", 1, "pack", "pk-gone"), Usage("e", "acc-1", 5)};
            if (Status s = txn.InsertUsage(records); !s.ok()) return s;
            if (Status s = txn.AddPackUsed("pk-ok", 5); !s.ok()) return s;
            return txn.AddPackUsed("pk-over", 2);
          })
          .ok());
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    EXPECT_EQ(*txn.PacksWithUsageMismatch(),
                              (std::vector<std::string>{"pk-gone", "pk-over"}));
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, AFailedWriteRollsBackEverything) {
  AddAccount("acc-1");
  Status s = store_->Write([&](Txn& txn) -> Status {
    EXPECT_TRUE(txn.InsertAccount({"acc-2", "two", AccountStatus::kActive, 1, 1, ""}).ok());
    EXPECT_TRUE(txn.InsertPack(MakePack("pk", "purchased", {"DetectPet"}, 10, 0, 1000)).ok());
    EXPECT_TRUE(txn.InsertLedgerTxn(Recharge("tx-1", "k1", 10, 100)).ok());
    UsageRecord r = Usage("r1", "acc-1", 10);
    EXPECT_TRUE(txn.InsertUsage(std::span(&r, 1)).ok());
    EXPECT_TRUE(txn.FindAccount("two").ok());  // visible inside the transaction
    return Status(errc::kInternalError, "changed my mind");
  });
  EXPECT_EQ(s.message(), "changed my mind");
  // A failing step inside the body also rolls back what came before it.
  EXPECT_EQ(store_
                ->Write([&](Txn& txn) -> Status {
                  if (Status st = txn.InsertVoucher({"v-1", "acc-1", 5, 1, {}}); !st.ok())
                    return st;
                  if (Status st = txn.InsertLedgerTxn(Recharge("tx-1", "k1", 10, 100)); !st.ok())
                    return st;
                  return txn.InsertLedgerTxn(Recharge("tx-1", "k1", 10, 100));
                })
                .code(),
            errc::kAlreadyExists);
  Reopen();
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    EXPECT_EQ(txn.ListAccounts()->size(), 1u);
                    EXPECT_EQ(txn.FindPack("pk").status().code(), errc::kNotFound);
                    EXPECT_FALSE(txn.FindLedgerTxnByKey("k1").value());
                    EXPECT_TRUE(txn.Balances("acc-1")->empty());
                    EXPECT_TRUE(txn.ListUsage("acc-1", 0, 100)->empty());
                    EXPECT_TRUE(txn.ListVouchers("acc-1")->empty());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, ReadIsReadOnlyAndTransactionsDoNotNest) {
  AddAccount("acc-1");
  // A write inside a Read is rolled back with it.
  (void)store_->Read([&](Txn& txn) { return txn.InsertVoucher({"v-1", "acc-1", 5, 1, {}}); });
  EXPECT_EQ(store_->Read([&](Txn& txn) { return txn.FindVoucher("v-1").status(); }).code(),
            errc::kNotFound);
  Status inner;
  EXPECT_TRUE(store_
                  ->Write([&](Txn&) {
                    inner = store_->Write([](Txn&) { return Status::Ok(); });
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(inner.code(), errc::kInternalError);  // refused, not a deadlock
  // The store is still usable afterwards, for reads and writes.
  EXPECT_TRUE(store_->Write([&](Txn& txn) {
                      return txn.InsertVoucher({"v-1", "acc-1", 5, 1, {}});
                    })
                  .ok());
  EXPECT_EQ(store_->Read([&](Txn& txn) { return txn.ListVouchers("acc-1").status(); }).code(),
            errc::kOk);
}

TEST_F(SqliteStoreTest, AccountsListAndUpdateOfAMissingAccountIsNotFound) {
  AddAccount("acc-b");
  AddAccount("acc-a");
  Account ghost{"acc-x", "ghost", AccountStatus::kActive, 1, 1, ""};
  EXPECT_EQ(store_->UpdateAccount(ghost).code(), errc::kNotFound);
  Account renamed{"acc-a", "name-acc-b", AccountStatus::kActive, 1, 1, ""};
  EXPECT_EQ(store_->UpdateAccount(renamed).code(), errc::kAlreadyExists);
  EXPECT_EQ(store_->SetKeyEnabled("AK-none", false).code(), errc::kNotFound);
  EXPECT_EQ(store_->InsertKey(Key("AK-acc-a", "acc-a")).code(), errc::kAlreadyExists);
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    auto all = txn.ListAccounts();
                    EXPECT_EQ(all->size(), 2u);
                    EXPECT_EQ(all->front().id, "acc-a");
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(SqliteStoreTest, AVersionOneDatabaseIsMigratedKeepingItsUsage) {
  store_.reset();
  std::filesystem::remove(path_);
  // What the previous release created: step 1 only.
  ASSERT_EQ(RawSql(std::string(kSqliteMigrations[0]) +
                   "PRAGMA user_version=1;"
                   "INSERT INTO accounts VALUES('acc-1','shop','active',1,1,'');"
                   "INSERT INTO usage_records VALUES('old','acc-1','DetectPet',5);"),
            "");
  Reopen();
  auto usage = store_->ListUsage("acc-1", 0, 10);
  ASSERT_TRUE(usage.ok()) << usage.status().ToString();
  ASSERT_EQ(usage->size(), 1u);
  EXPECT_EQ((*usage)[0].quantity, 1);
  EXPECT_EQ(ToString((*usage)[0].source), "postpaid");
  EXPECT_EQ((*usage)[0].pack_id, "");
  // Its usage is in the hourly totals billing reads.
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    auto sums = txn.SumUsage("acc-1", 0, kMicrosPerHour);
                    EXPECT_EQ(sums->size(), 1u);
                    EXPECT_EQ(sums->at(0).quantity, 1);
                    EXPECT_TRUE(txn.UsageTotalsMismatch()->empty());
                    return Status::Ok();
                  })
                  .ok());
  Reopen();  // opening a current database again changes nothing
  EXPECT_EQ(store_->ListUsage("acc-1", 0, 10)->size(), 1u);
}

// A large batch is logged and totalled exactly (throughput is measured in
// bench/billing_bench, not here).
TEST_F(SqliteStoreTest, LargeBatchesAreTotalledExactly) {
  AddAccount("acc-1");
  AddAccount("acc-2");
  constexpr int kBatches = 4, kBatch = 5000;
  std::map<std::string, int64_t> expected;  // account|action|source → quantity
  for (int b = 0; b < kBatches; ++b) {
    std::vector<UsageRecord> batch;
    for (int i = 0; i < kBatch; ++i) {
      const int n = b * kBatch + i;
      UsageRecord r = Usage("req-" + std::to_string(n), n % 7 ? "acc-1" : "acc-2",
                            UnixMicros{n} * 997'000'000, n % 3 ? "RecognizeCarPro" : "DetectPet",
                            1 + n % 4, n % 2 ? "pack" : "postpaid", n % 2 ? "pk-1" : "");
      expected[r.account_id + "|" + r.action + "|" + std::string(ToString(r.source))] += r.quantity;
      batch.push_back(std::move(r));
    }
    ASSERT_TRUE(store_->Write([&](Txn& txn) { return txn.InsertUsage(batch); }).ok());
  }
  ASSERT_TRUE(store_
                  ->Read([&](Txn& txn) -> Status {
                    auto sums = txn.SumUsage(
                        "", 0,
                        HourOf(UnixMicros{kBatches * kBatch} * 997'000'000) + kMicrosPerHour);
                    if (!sums.ok()) return sums.status();
                    std::map<std::string, int64_t> got;
                    for (const UsageSum& u : *sums)
                      got[u.account_id + "|" + u.action + "|" + std::string(ToString(u.source))] +=
                          u.quantity;
                    EXPECT_EQ(got, expected);
                    EXPECT_TRUE(txn.UsageTotalsMismatch()->empty());
                    return Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace kanjian::store
