// The store contract: the same cases against SQLite and PostgreSQL (a typed
// test, one backend per type). PostgreSQL is a real server started by
// scripts/pg_cluster.sh (or $KANJIAN_TEST_PG), one fresh database per test.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "common/error_codes.h"
#include "store/pg/pg_store.h"
#include "store/store.h"
#include "tests/support/pg_test_env.h"

namespace kanjian::store {
namespace {

constexpr SignInRealm kTenant = SignInRealm::kTenant;
constexpr SignInRealm kOperator = SignInRealm::kOperator;

std::string TestName() {
  std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const std::string suite =
      ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name();
  std::string out = "c_" + suite.substr(suite.find('/') + 1) + "_" + name;
  for (char& ch : out) ch = std::isalnum(static_cast<unsigned char>(ch)) ? std::tolower(ch) : '_';
  return out.substr(0, 60);
}

struct SqliteBackend {
  static constexpr const char* kName = "sqlite";
  std::filesystem::path dir;
  std::string location;
  void Create() {
    dir = std::filesystem::temp_directory_path() /
          ("kanjian_contract_" + std::to_string(::getpid()) + TestName());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    location = (dir / "k.db").string();
  }
  Result<std::unique_ptr<Store>> Open() { return OpenSqliteStore(location); }
  ~SqliteBackend() {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

struct PgBackend {
  static constexpr const char* kName = "postgresql";
  std::string location;
  void Create() { location = pg::PgTestServer::FreshDatabase(TestName()); }
  Result<std::unique_ptr<Store>> Open() { return pg::OpenPgStore(location); }
};

template <typename Backend>
class StoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    backend_.Create();
    store_ = Open();
    ASSERT_NE(store_, nullptr);
  }
  // Another store on the same database: another process, another node.
  std::unique_ptr<Store> Open() {
    auto s = backend_.Open();
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  static ApiKey Key(const std::string& id, const std::string& account) {
    return ApiKey{id, account, std::string("sealed\0by\xfftes", 13), true, 5};
  }
  static UsageRecord Usage(const std::string& id, const std::string& account, UnixMicros at,
                           const std::string& action = "DetectPet", int64_t quantity = 1,
                           const std::string& source = "postpaid", const std::string& pack = "") {
    return UsageRecord{id, account, action, at, quantity, *ParseUsageSource(source), pack};
  }
  static Pack MakePack(const std::string& id, const std::string& kind, int64_t calls,
                       UnixMicros created, UnixMicros expires, const std::string& group = "") {
    Pack p;
    p.id = id;
    p.account_id = "acc-1";
    p.kind = *ParsePackKind(kind);
    p.actions = {"DetectPet", "RecognizeCar"};
    p.free_group = group;
    p.calls = calls;
    p.created_at = created;
    p.expires_at = expires;
    return p;
  }
  static LedgerTxn Recharge(const std::string& id, const std::string& key, UnixMicros at,
                            int64_t fen) {
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
  void AddAccount(const std::string& id) {
    ASSERT_TRUE(store_
                    ->CreateAccount({id, "name-" + id, AccountStatus::kActive, 1, 1, ""},
                                    Key("AK-" + id, id))
                    .ok());
  }
  Status Write(const std::function<Status(Txn&)>& body) { return store_->Write(body); }
  Status Read(const std::function<Status(Txn&)>& body) { return store_->Read(body); }

  Backend backend_;
  std::unique_ptr<Store> store_;
};

using Backends = ::testing::Types<SqliteBackend, PgBackend>;
struct BackendNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};
TYPED_TEST_SUITE(StoreContractTest, Backends, BackendNames);

TYPED_TEST(StoreContractTest, AccountsAndKeys) {
  Account a{"acc-1", "shop", AccountStatus::kInactive, 100, std::nullopt, ""};
  ASSERT_TRUE(this->store_->CreateAccount(a, this->Key("AKID1", "acc-1")).ok());
  EXPECT_EQ(this->store_->FindAccount("shop")->id, "acc-1");
  EXPECT_EQ(this->store_->FindAccount("acc-1")->name, "shop");
  EXPECT_EQ(this->store_->FindAccount("nobody").status().code(), errc::kNotFound);
  Account dup{"acc-2", "shop", AccountStatus::kInactive, 100, std::nullopt, ""};
  EXPECT_EQ(this->store_->CreateAccount(dup, this->Key("AKID2", "acc-2")).code(),
            errc::kAlreadyExists);
  EXPECT_EQ(this->store_->FindKey("AKID2").status().code(), errc::kNotFound);  // rolled back

  a.status = AccountStatus::kDisabled;
  a.activated_at = 150;
  a.disabled_reason = "operator";
  ASSERT_TRUE(this->store_->UpdateAccount(a).ok());
  auto back = this->store_->FindAccount("acc-1");
  EXPECT_EQ(back->status, AccountStatus::kDisabled);
  EXPECT_EQ(back->activated_at, 150);
  EXPECT_EQ(back->disabled_reason, "operator");
  Account ghost{"acc-x", "ghost", AccountStatus::kActive, 1, 1, ""};
  EXPECT_EQ(this->store_->UpdateAccount(ghost).code(), errc::kNotFound);

  auto key = this->store_->FindKey("AKID1");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->sealed_secret, std::string("sealed\0by\xfftes", 13));  // bytes, NUL and all
  EXPECT_TRUE(key->enabled);
  ApiKey second = this->Key("AKID3", "acc-1");
  second.created_at = 9;
  ASSERT_TRUE(this->store_->RotateKey("AKID1", second).ok());
  EXPECT_FALSE(this->store_->FindKey("AKID1")->enabled);
  EXPECT_EQ(this->store_->ListKeys("acc-1")->size(), 2u);
  EXPECT_EQ((*this->store_->OldestKey())->secret_id, "AKID1");
  EXPECT_EQ(this->store_->SetKeyEnabled("nope", true).code(), errc::kNotFound);
}

TYPED_TEST(StoreContractTest, UsageIsIdempotentAndSummedByHour) {
  this->AddAccount("acc-1");
  constexpr UnixMicros H = kMicrosPerHour;
  std::vector<UsageRecord> batch = {
      this->Usage("a", "acc-1", 10, "DetectPet", 2, "free", "pk-f"),
      this->Usage("b", "acc-1", H + 11, "DetectPet", 5, "free", "pk-f"),
      this->Usage("c", "acc-1", 12, "DetectPet", 4),
      this->Usage("a", "acc-1", 10, "DetectPet", 2, "free", "pk-f")};
  ASSERT_TRUE(this->store_->AppendUsage(batch).ok());
  ASSERT_TRUE(this->store_->AppendUsage(std::span(batch).subspan(0, 2)).ok());  // a retry
  EXPECT_EQ(this->store_->ListUsage("acc-1", 0, 2 * H)->size(), 3u);
  // InsertCall: the second time is a retry, recorded nothing.
  std::vector<UsageRecord> call = {
      this->Usage("call-1", "acc-1", 20, "DetectPet", 1, "pack", "pk-1"),
      this->Usage("call-1:1", "acc-1", 20, "DetectPet", 2)};
  // (What the committed run of the body was told: PostgreSQL checks a
  // batch's RequestIds when it writes the batch, and runs the body again,
  // told, when one was logged before.)
  for (bool expected : {true, false}) {
    bool recorded = !expected;
    ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                      auto r = txn.InsertCall(call);
                      if (!r.ok()) return r.status();
                      recorded = *r;
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_EQ(recorded, expected);
  }
  // A bad record is refused, not dropped.
  UsageRecord bad = this->Usage("bad", "acc-1", 12, "DetectPet", 1, "postpaid", "pk-1");
  EXPECT_EQ(this->store_->AppendUsage(std::span(&bad, 1)).code(), errc::kInternalError);
  ASSERT_TRUE(
      this->Read([&](Txn& txn) -> Status {
            auto sums = txn.SumUsage("acc-1", 0, 2 * H);
            if (!sums.ok()) return sums.status();
            EXPECT_EQ(sums->size(), 3u);
            if (sums->size() != 3u) return Status::Ok();
            EXPECT_EQ(ToString((*sums)[0].source), "free");
            EXPECT_EQ((*sums)[0].quantity, 7);
            EXPECT_EQ(ToString((*sums)[1].source), "pack");
            EXPECT_EQ((*sums)[1].quantity, 1);
            EXPECT_EQ(ToString((*sums)[2].source), "postpaid");
            EXPECT_EQ((*sums)[2].quantity, 6);
            EXPECT_EQ(txn.SumUsage("acc-1", 0, 100).status().code(), errc::kInternalError);
            int64_t scanned = 0;
            EXPECT_TRUE(
                txn.ScanUsageTotals(0, H, [&](auto, auto, auto, int64_t q) { scanned += q; }).ok());
            EXPECT_EQ(scanned, 2 + 4 + 1 + 2);
            EXPECT_TRUE(txn.UsageTotalsMismatch()->empty());
            return Status::Ok();
          })
          .ok());
}

TYPED_TEST(StoreContractTest, PacksFreePackUseAndRefund) {
  this->AddAccount("acc-1");
  ASSERT_TRUE(
      this->Write([&](Txn& txn) -> Status {
            if (Status s = txn.InsertPack(this->MakePack("free-1", "free", 5, 100, 1000, "vision"));
                !s.ok())
              return s;
            if (Status s = txn.InsertPack(this->MakePack("pk-late", "purchased", 10, 50, 3000));
                !s.ok())
              return s;
            return txn.InsertPack(this->MakePack("pk-soon", "purchased", 10, 50, 2000));
          })
          .ok());
  EXPECT_EQ(this->Write([&](Txn& txn) {
                  return txn.InsertPack(this->MakePack("pk-soon", "gift", 1, 1, 2));
                })
                .code(),
            errc::kAlreadyExists);
  ASSERT_TRUE(
      this->Read([&](Txn& txn) -> Status {
            auto free = txn.FindFreePack("acc-1", "vision", 0, 1000);
            EXPECT_TRUE(free.ok() && free->has_value() && (*free)->id == "free-1");
            EXPECT_FALSE(txn.FindFreePack("acc-1", "vision", 1000, 2000).value());  // another month
            EXPECT_FALSE(txn.FindFreePack("acc-1", "other", 0, 1000).value());
            auto all = txn.ListPacks("acc-1");
            EXPECT_EQ(all->size(), 3u);
            EXPECT_EQ((*all)[0].id, "free-1");  // earliest expiry first
            EXPECT_EQ((*all)[1].actions, (std::vector<std::string>{"DetectPet", "RecognizeCar"}));
            EXPECT_EQ(txn.ListLivePacks("acc-1", 1500)->size(), 2u);
            return Status::Ok();
          })
          .ok());
  // Use never goes past calls, nor below zero.
  EXPECT_TRUE(this->Write([&](Txn& txn) { return txn.AddPackUsed("pk-soon", 10); }).ok());
  EXPECT_EQ(this->Write([&](Txn& txn) { return txn.AddPackUsed("pk-soon", 1); }).code(),
            errc::kInternalError);
  EXPECT_EQ(this->Write([&](Txn& txn) { return txn.AddPackUsed("pk-late", -1); }).code(),
            errc::kInternalError);
  EXPECT_EQ(this->Write([&](Txn& txn) { return txn.AddPackUsed("nope", 1); }).code(),
            errc::kNotFound);
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    EXPECT_EQ(txn.FindPack("pk-soon")->used, 10);
                    EXPECT_EQ(txn.ListLivePacks("acc-1", 1500)->size(), 1u);  // used up
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(this->Write([&](Txn& txn) { return txn.MarkPackRefunded("pk-late", 77); }).ok());
  EXPECT_EQ(this->Write([&](Txn& txn) { return txn.MarkPackRefunded("pk-late", 88); }).code(),
            errc::kAlreadyExists);
  EXPECT_EQ(this->Write([&](Txn& txn) { return txn.MarkPackRefunded("nope", 88); }).code(),
            errc::kNotFound);
  EXPECT_EQ(this->Read([&](Txn& txn) -> Status {
                  EXPECT_EQ(txn.FindPack("pk-late")->refunded_at, 77);
                  EXPECT_TRUE(txn.ListLivePacks("acc-1", 1500)->empty());
                  return Status::Ok();
                })
                .code(),
            errc::kOk);
}

TYPED_TEST(StoreContractTest, LedgerIsBalancedIdempotentAndAppendOnly) {
  this->AddAccount("acc-1");
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
  ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                    for (const LedgerTxn& t : {this->Recharge("tx-2", "k2", 20, 500),
                                               this->Recharge("tx-1", "k1", 20, 1000), purchase})
                      if (Status s = txn.InsertLedgerTxn(t); !s.ok()) return s;
                    return Status::Ok();
                  })
                  .ok());
  LedgerTxn unbalanced = this->Recharge("tx-4", "k4", 40, 5);
  unbalanced.postings.push_back({"acc-1", "gift", 1});
  EXPECT_EQ(this->Write([&](Txn& txn) { return txn.InsertLedgerTxn(unbalanced); }).code(),
            errc::kInternalError);
  EXPECT_EQ(this->Write([&](Txn& txn) {
                  return txn.InsertLedgerTxn(this->Recharge("tx-5", "k1", 50, 9));
                })
                .code(),
            errc::kAlreadyExists);
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    const LedgerTxn t = *txn.FindLedgerTxnByKey("k3").value();
                    EXPECT_EQ(t.id, "tx-3");
                    EXPECT_EQ(t.postings.size(), 3u);
                    EXPECT_EQ(t.postings[1].book, "gift");
                    EXPECT_FALSE(txn.FindLedgerTxnByKey("k4").value());
                    EXPECT_EQ(*txn.Balances("acc-1"),
                              (std::map<std::string, int64_t>{{"cash", 800}, {"gift", -30}}));
                    auto list = txn.ListLedgerTxns("acc-1");
                    EXPECT_EQ(list->size(), 3u);
                    EXPECT_EQ((*list)[0].id, "tx-2");  // same instant: in the order inserted
                    EXPECT_EQ((*list)[1].id, "tx-1");
                    EXPECT_EQ(*txn.CountLedgerTxns("acc-1", LedgerKind::kRecharge, 0, 100), 2);
                    EXPECT_TRUE(txn.UnbalancedLedgerTxns()->empty());
                    return Status::Ok();
                  })
                  .ok());
  // A zero-leg transaction (a gift's audit entry) round-trips.
  ASSERT_TRUE(
      this->Write([&](Txn& txn) {
            return txn.InsertLedgerTxn(
                {"tx-6", "k6", "h6", "acc-1", LedgerKind::kPackGrant, 60, "gift-1", "", {}});
          })
          .ok());
  EXPECT_TRUE(this->Read([&](Txn& txn) -> Status {
                    EXPECT_TRUE(txn.FindLedgerTxnByKey("k6").value()->postings.empty());
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, VouchersBillsCatalogAndNotices) {
  this->AddAccount("acc-1");
  ASSERT_TRUE(this->Write([&](Txn& txn) {
                    return txn.InsertVoucher({"v-1", "acc-1", 500, 1, 99});
                  })
                  .ok());
  EXPECT_EQ(this->Read([&](Txn& txn) { return txn.FindVoucher("v-1").status(); }).code(),
            errc::kOk);
  EXPECT_EQ(this->Read([&](Txn& txn) { return txn.FindVoucher("v-9").status(); }).code(),
            errc::kNotFound);
  Bill bill{"bill-1",
            "acc-1",
            "2026-10",
            5,
            1234,
            BillStatus::kSettled,
            {{"DetectPet", 1000, 2, 15000, 1200}, {"RecognizeCar", 10, 1, 34000, 34}}};
  ASSERT_TRUE(this->Write([&](Txn& txn) { return txn.InsertBill(bill); }).ok());
  Bill again = bill;
  again.id = "bill-2";
  EXPECT_EQ(this->Write([&](Txn& txn) { return txn.InsertBill(again); }).code(),
            errc::kAlreadyExists);
  again.month = "2026-11";
  ASSERT_TRUE(this->Write([&](Txn& txn) { return txn.InsertBill(again); }).ok());
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto found = txn.FindBill("acc-1", "2026-10").value();
                    EXPECT_TRUE(found.has_value());
                    EXPECT_EQ(found->lines.size(), 2u);
                    EXPECT_EQ(found->lines[1].amount_fen, 34);
                    EXPECT_EQ(found->lines[0].tier, 2);
                    EXPECT_EQ(txn.LatestBill("acc-1").value()->month, "2026-11");
                    EXPECT_EQ(*txn.BilledAccounts("2026-10", "acc-0", "acc-9"),
                              std::vector<std::string>{"acc-1"});
                    EXPECT_TRUE(txn.BilledAccounts("2026-12", "acc-0", "acc-9")->empty());
                    EXPECT_FALSE(txn.FindBill("acc-1", "2026-12").value());
                    return Status::Ok();
                  })
                  .ok());
  int64_t seq1 = 0, seq2 = 0;
  ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                    seq1 = *txn.InsertCatalogVersion({0, "v1", 0, 1, "{}"});
                    seq2 = *txn.InsertCatalogVersion({0, "v2", 10, 2, "{\"a\":1}"});
                    return txn.InsertNotice({"n-1", "acc-1", 5, "low-balance", "余额不足"});
                  })
                  .ok());
  EXPECT_LT(seq1, seq2);
  EXPECT_EQ(this->Write([&](Txn& txn) {
                  return txn.InsertCatalogVersion({0, "v1", 0, 1, "{}"}).status();
                })
                .code(),
            errc::kAlreadyExists);
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto versions = txn.ListCatalogVersions();
                    EXPECT_EQ(versions->size(), 2u);
                    EXPECT_EQ(versions->back().body, "{\"a\":1}");
                    EXPECT_EQ(txn.ListNotices("acc-1")->at(0).message, "余额不足");
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, ConsoleUsersAndSessions) {
  this->AddAccount("acc-1");
  ConsoleUser u{"alice", "acc-1", "$argon2id$x", true, 1, 0, 0};
  ASSERT_TRUE(this->Write([&](Txn& txn) { return txn.InsertUser(kTenant, u); }).ok());
  const Status taken = this->Write([&](Txn& txn) { return txn.InsertUser(kTenant, u); });
  EXPECT_EQ(taken.code(), errc::kAlreadyExists);
  EXPECT_EQ(taken.message(), "a console user 'alice' already exists");
  u.failed_logins = 3;
  u.locked_until = 99;
  u.enabled = false;
  ASSERT_TRUE(
      this->Write([&](Txn& txn) -> Status {
            if (Status s = txn.UpdateUser(kTenant, u); !s.ok()) return s;
            if (Status s = txn.InsertSession(kTenant, {"h1", "alice", "csrf", 1, 2}); !s.ok())
              return s;
            return txn.InsertSession(kTenant, {"h2", "alice", "csrf2", 1, 2});
          })
          .ok());
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto back = txn.FindUser(kTenant, "alice");
                    EXPECT_EQ(back->failed_logins, 3);
                    EXPECT_FALSE(back->enabled);
                    EXPECT_EQ(txn.ListUsers(kTenant, "")->size(), 1u);
                    EXPECT_TRUE(txn.ListUsers(kTenant, "acc-2")->empty());
                    EXPECT_EQ(txn.FindSession(kTenant, "h1")->csrf_token, "csrf");
                    EXPECT_EQ(txn.FindUser(kTenant, "bob").status().message(),
                              "no console user 'bob'");
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(this->Write([&](Txn& txn) { return txn.DeleteSession(kTenant, "h1"); }).ok());
  EXPECT_EQ(this->Read([&](Txn& txn) { return txn.FindSession(kTenant, "h1").status(); }).code(),
            errc::kNotFound);
  ASSERT_TRUE(this->Write([&](Txn& txn) { return txn.DeleteSessionsOf(kTenant, "alice"); }).ok());
  EXPECT_EQ(this->Read([&](Txn& txn) { return txn.FindSession(kTenant, "h2").status(); }).code(),
            errc::kNotFound);
}

// The operator console's sign-in (server/console/operator_api): operators
// and their sessions live apart from tenants', errors as for console users.
TYPED_TEST(StoreContractTest, OperatorsAndTheirSessions) {
  this->AddAccount("acc-1");
  ConsoleUser op{"root", "", "$argon2id$r", true, 1, 0, 0};
  ConsoleUser ops2{"ann", "", "$argon2id$a", true, 2, 0, 0};
  ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                    if (Status s = txn.InsertUser(kOperator, op); !s.ok()) return s;
                    if (Status s = txn.InsertUser(kOperator, ops2); !s.ok()) return s;
                    // A tenant user of the same login is another person.
                    return txn.InsertUser(kTenant, {"root", "acc-1", "$argon2id$t", true, 3, 0, 0});
                  })
                  .ok());
  const Status taken = this->Write([&](Txn& txn) { return txn.InsertUser(kOperator, op); });
  EXPECT_EQ(taken.code(), errc::kAlreadyExists);
  EXPECT_EQ(taken.message(), "an operator 'root' already exists");
  op.password_hash = "$argon2id$r2";
  op.enabled = false;
  op.failed_logins = 4;
  op.locked_until = 77;
  ASSERT_TRUE(
      this->Write([&](Txn& txn) -> Status {
            if (Status s = txn.UpdateUser(kOperator, op); !s.ok()) return s;
            if (Status s = txn.InsertSession(kOperator, {"oh1", "root", "c1", 1, 2}); !s.ok())
              return s;
            return txn.InsertSession(kOperator, {"oh2", "root", "c2", 1, 2});
          })
          .ok());
  EXPECT_EQ(this->Write([&](Txn& txn) {
                  return txn.InsertSession(kOperator, {"oh1", "root", "c9", 1, 2});
                })
                .code(),
            errc::kAlreadyExists);
  EXPECT_EQ(this->Write([&](Txn& txn) {
                  return txn.UpdateUser(kOperator, {"nobody", "", "x", true, 1, 0, 0});
                })
                .code(),
            errc::kNotFound);
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto back = txn.FindUser(kOperator, "root");
                    EXPECT_EQ(back->password_hash, "$argon2id$r2");
                    EXPECT_FALSE(back->enabled);
                    EXPECT_EQ(back->failed_logins, 4);
                    EXPECT_EQ(back->locked_until, 77);
                    EXPECT_EQ(back->created_at, 1);
                    EXPECT_EQ(back->account_id, "");
                    auto all = txn.ListUsers(kOperator, "");
                    EXPECT_EQ(all->size(), 2u);
                    EXPECT_EQ(all->at(0).login, "ann");  // by login
                    EXPECT_TRUE(all->at(0).enabled);
                    // Operators belong to no account: the realm lists them all.
                    EXPECT_EQ(txn.ListUsers(kOperator, "acc-1")->size(), 2u);
                    EXPECT_EQ(txn.ListUsers(kTenant, "")->size(), 1u);
                    EXPECT_EQ(txn.FindUser(kOperator, "bob").status().message(),
                              "no operator 'bob'");
                    EXPECT_EQ(txn.FindUser(kTenant, "root")->password_hash, "$argon2id$t");
                    auto session = txn.FindSession(kOperator, "oh1");
                    EXPECT_EQ(session->login, "root");
                    EXPECT_EQ(session->csrf_token, "c1");
                    EXPECT_EQ(session->expires_at, 2);
                    // An operator's session is never a tenant's, nor the reverse.
                    EXPECT_EQ(txn.FindSession(kTenant, "oh1").status().code(), errc::kNotFound);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(this->Write([&](Txn& txn) { return txn.DeleteSession(kOperator, "oh1"); }).ok());
  EXPECT_EQ(this->Read([&](Txn& txn) { return txn.FindSession(kOperator, "oh1").status(); }).code(),
            errc::kNotFound);
  EXPECT_EQ(this->Read([&](Txn& txn) { return txn.FindSession(kOperator, "oh2").status(); }).code(),
            errc::kOk);
  ASSERT_TRUE(this->Write([&](Txn& txn) { return txn.DeleteSessionsOf(kOperator, "root"); }).ok());
  EXPECT_EQ(this->Read([&](Txn& txn) { return txn.FindSession(kOperator, "oh2").status(); }).code(),
            errc::kNotFound);
}

// The operator log (newest first, ids increasing) and the platform views
// over every account (billing/views/operator_view).
TYPED_TEST(StoreContractTest, OperatorLogAndPlatformViews) {
  this->AddAccount("acc-1");
  this->AddAccount("acc-2");
  ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                    for (int i = 0; i < 3; ++i) {
                      OperatorAction a{0,
                                       10 + i,
                                       "root",
                                       i == 1 ? "disable" : "recharge",
                                       "acc-1",
                                       "{\"i\":" + std::to_string(i) + "}",
                                       i == 2 ? "InsufficientBalance" : "OK"};
                      if (Status s = txn.InsertOperatorAction(a); !s.ok()) return s;
                    }
                    return Status::Ok();
                  })
                  .ok());
  auto other = this->Open();  // another node logs too
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other
                  ->Write([&](Txn& txn) {
                    return txn.InsertOperatorAction({0, 20, "ann", "voucher", "acc-2", "{}", "OK"});
                  })
                  .ok());
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto log = txn.ListOperatorActions(3);
                    EXPECT_EQ(log->size(), 3u);
                    EXPECT_EQ(log->at(0).login, "ann");
                    EXPECT_EQ(log->at(1).detail, "{\"i\":2}");
                    EXPECT_EQ(log->at(1).outcome, "InsufficientBalance");
                    EXPECT_EQ(log->at(2).action, "disable");
                    EXPECT_EQ(log->at(2).at, 11);
                    EXPECT_GT(log->at(0).id, log->at(1).id);
                    EXPECT_GT(log->at(1).id, log->at(2).id);
                    EXPECT_EQ(txn.ListOperatorActions(10)->size(), 4u);
                    return Status::Ok();
                  })
                  .ok());

  // Ledger transactions of one kind over every account: newest first,
  // same-instant ones newest inserted first, each with its legs in order.
  auto recharge = [&](const std::string& id, const std::string& account, UnixMicros at) {
    LedgerTxn t = this->Recharge(id, "k-" + id, at, 100);
    t.account_id = account;
    t.postings[0].owner = account;
    return t;
  };
  ASSERT_TRUE(
      this->Write([&](Txn& txn) -> Status {
            for (const LedgerTxn& t : {recharge("t1", "acc-1", 5), recharge("t2", "acc-2", 7),
                                       recharge("t3", "acc-1", 7)})
              if (Status s = txn.InsertLedgerTxn(t); !s.ok()) return s;
            LedgerTxn grant{"t4",
                            "k-t4",
                            "h",
                            "acc-2",
                            LedgerKind::kVoucherGrant,
                            9,
                            "v-1",
                            "",
                            {{"acc-2", "voucher:v-1", 50}, {"platform", "vouchers", -50}}};
            if (Status s = txn.InsertLedgerTxn(grant); !s.ok()) return s;
            if (Status s = txn.InsertVoucher({"v-1", "acc-2", 50, 9, std::nullopt}); !s.ok())
              return s;
            if (Status s = txn.InsertVoucher({"v-2", "acc-1", 70, 9, 99}); !s.ok()) return s;
            return txn.InsertVoucher({"v-0", "acc-1", 30, 3, std::nullopt});
          })
          .ok());
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto txns = txn.ListLedgerTxnsOfKind(LedgerKind::kRecharge, 2);
                    EXPECT_EQ(txns->size(), 2u);
                    EXPECT_EQ(txns->at(0).id, "t3");
                    EXPECT_EQ(txns->at(1).id, "t2");
                    EXPECT_EQ(txns->at(1).account_id, "acc-2");
                    EXPECT_EQ(txns->at(1).postings.size(), 2u);
                    EXPECT_EQ(txns->at(1).postings.at(0).owner, "acc-2");
                    EXPECT_EQ(txns->at(1).postings.at(1).amount_fen, -100);
                    EXPECT_EQ(txn.ListLedgerTxnsOfKind(LedgerKind::kRecharge, 10)->back().id, "t1");
                    EXPECT_EQ(txn.ListLedgerTxnsOfKind(LedgerKind::kVoucherGrant, 10)->at(0).ref,
                              "v-1");
                    EXPECT_TRUE(txn.ListLedgerTxnsOfKind(LedgerKind::kRefund, 10)->empty());
                    auto vouchers = txn.ListRecentVouchers(2);
                    EXPECT_EQ(vouchers->size(), 2u);
                    EXPECT_EQ(vouchers->at(0).id, "v-2");  // same instant: by id, descending
                    EXPECT_EQ(vouchers->at(0).expires_at, std::optional<UnixMicros>(99));
                    EXPECT_EQ(vouchers->at(1).id, "v-1");
                    EXPECT_FALSE(vouchers->at(1).expires_at.has_value());
                    EXPECT_EQ(txn.ListRecentVouchers(9)->size(), 3u);
                    return Status::Ok();
                  })
                  .ok());

  // Settled months and notice batches.
  ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                    for (const Bill& b :
                         {Bill{"b1", "acc-1", "2026-09", 100, 500, BillStatus::kSettled, {}},
                          Bill{"b2", "acc-2", "2026-09", 130, 250, BillStatus::kSettled, {}},
                          Bill{"b3", "acc-1", "2026-10", 200, 0, BillStatus::kSettled, {}}})
                      if (Status s = txn.InsertBill(b); !s.ok()) return s;
                    for (const Notice& n : {Notice{"n1", "acc-1", 40, "catalog", "new prices"},
                                            Notice{"n2", "acc-2", 40, "catalog", "new prices"},
                                            Notice{"n3", "acc-1", 50, "catalog", "newer prices"},
                                            Notice{"n4", "acc-1", 60, "low-balance", "top up"}})
                      if (Status s = txn.InsertNotice(n); !s.ok()) return s;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto months = txn.ListBillMonths(10);
                    EXPECT_EQ(months->size(), 2u);
                    EXPECT_EQ(months->at(0).month, "2026-10");
                    EXPECT_EQ(months->at(0).bills, 1);
                    EXPECT_EQ(months->at(1).month, "2026-09");
                    EXPECT_EQ(months->at(1).bills, 2);
                    EXPECT_EQ(months->at(1).total_fen, 750);
                    EXPECT_EQ(months->at(1).first_at, 100);
                    EXPECT_EQ(months->at(1).last_at, 130);
                    EXPECT_EQ(txn.ListBillMonths(1)->size(), 1u);
                    auto batches = txn.ListNoticeBatches("catalog", 10);
                    EXPECT_EQ(batches->size(), 2u);
                    EXPECT_EQ(batches->at(0).message, "newer prices");
                    EXPECT_EQ(batches->at(0).accounts, 1);
                    EXPECT_EQ(batches->at(1).at, 40);
                    EXPECT_EQ(batches->at(1).kind, "catalog");
                    EXPECT_EQ(batches->at(1).accounts, 2);
                    EXPECT_EQ(txn.ListNoticeBatches("catalog", 1)->size(), 1u);
                    EXPECT_TRUE(txn.ListNoticeBatches("suspension", 10)->empty());
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, AuditFindsPackUseThatDisagreesWithUsage) {
  this->AddAccount("acc-1");
  ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                    if (Status s = txn.InsertPack(this->MakePack("pk-1", "purchased", 10, 0, 1000));
                        !s.ok())
                      return s;
                    UsageRecord r = this->Usage("r1", "acc-1", 10, "DetectPet", 3, "pack", "pk-1");
                    if (Status s = txn.InsertUsage(std::span(&r, 1)); !s.ok()) return s;
                    return txn.AddPackUsed("pk-1", 2);  // one short
                  })
                  .ok());
  EXPECT_TRUE(this->Read([&](Txn& txn) -> Status {
                    EXPECT_EQ(*txn.PacksWithUsageMismatch(), std::vector<std::string>{"pk-1"});
                    EXPECT_TRUE(txn.UsageTotalsMismatch()->empty());
                    EXPECT_TRUE(txn.UnbalancedLedgerTxns()->empty());
                    return Status::Ok();
                  })
                  .ok());
}

TYPED_TEST(StoreContractTest, AFailedWriteRollsBackAndTransactionsDoNotNest) {
  this->AddAccount("acc-1");
  // (A body may run more than once: PostgreSQL retries it after a
  // serialization failure, or once a new month's log partition is made.)
  Status s = this->Write([&](Txn& txn) -> Status {
    if (Status st = txn.InsertPack(this->MakePack("pk", "purchased", 10, 0, 1000)); !st.ok())
      return st;
    UsageRecord r = this->Usage("r1", "acc-1", 10);
    if (Status st = txn.InsertUsage(std::span(&r, 1)); !st.ok()) return st;
    return Status(errc::kInternalError, "changed my mind");
  });
  EXPECT_EQ(s.message(), "changed my mind");
  EXPECT_TRUE(this->Read([&](Txn& txn) -> Status {
                    EXPECT_EQ(txn.FindPack("pk").status().code(), errc::kNotFound);
                    EXPECT_TRUE(txn.ListUsage("acc-1", 0, 100)->empty());
                    return Status::Ok();
                  })
                  .ok());
  Status inner;
  EXPECT_TRUE(this->Write([&](Txn&) {
                    inner = this->store_->Write([](Txn&) { return Status::Ok(); });
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(inner.code(), errc::kInternalError);
}

// The attribution cache trusts its packs while the state is the one its
// commit left: another store's (another node's) change to packs moves it.
TYPED_TEST(StoreContractTest, StateMovesWhenAnotherStoreChangesPacks) {
  this->AddAccount("acc-1");
  auto state_now = [&] {
    uint64_t state = 0;
    EXPECT_TRUE(this->Read([&](Txn& txn) -> Status {
                      auto s = txn.StateAtStart();
                      if (s.ok()) state = *s;
                      EXPECT_FALSE(txn.StateAfterCommit().ok());  // a read commits nothing
                      return s.status();
                    })
                    .ok());
    return state;
  };
  const uint64_t s0 = state_now();
  EXPECT_EQ(state_now(), s0);
  uint64_t promised = 0;
  ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                    EXPECT_EQ(*txn.StateAtStart(), s0);
                    if (Status s = txn.InsertPack(this->MakePack("pk-1", "purchased", 10, 0, 1000));
                        !s.ok())
                      return s;
                    promised = *txn.StateAfterCommit();
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_NE(promised, s0);
  EXPECT_EQ(state_now(), promised);
  (void)this->Write([&](Txn& txn) -> Status {
    (void)txn.AddPackUsed("pk-1", 1);
    return Status(errc::kInternalError, "rolled back");
  });
  EXPECT_EQ(state_now(), promised);  // a rollback leaves it
  auto other = this->Open();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(other->Write([&](Txn& txn) { return txn.AddPackUsed("pk-1", 1); }).ok());
  const uint64_t after_other = state_now();
  EXPECT_NE(after_other, promised);
  ASSERT_TRUE(
      other
          ->Write([&](Txn& txn) { return txn.InsertPack(this->MakePack("pk-2", "gift", 1, 0, 9)); })
          .ok());
  EXPECT_NE(state_now(), after_other);
}

TYPED_TEST(StoreContractTest, AlertsSubscriptionsNoticesAndOutbox) {
  this->AddAccount("acc-1");
  AlertSubscription sub{"acc-1", "ops@example.com",        "https://hooks.example.com/k",
                        "ab12",  {"arrears", "free_pack"}, "zh-CN",
                        7};
  ASSERT_TRUE(this->Write([&](Txn& txn) { return txn.SetAlertSubscription("acc-1", sub); }).ok());
  std::optional<AlertSubscription> back;
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto found = txn.FindAlertSubscription("acc-1");
                    if (found.ok()) back = *found;
                    return found.status();
                  })
                  .ok());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->kinds, (std::vector<std::string>{"arrears", "free_pack"}));
  EXPECT_EQ(back->language, "zh-CN");
  EXPECT_EQ(back->webhook_url, sub.webhook_url);

  // A notice key is recorded once, with its first sighting.
  std::vector<bool> inserted;
  for (UnixMicros at : {10, 20}) {
    ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                      auto r = txn.InsertAlertNotice({"acc-1", "arrears||0|2026-03", at});
                      if (r.ok()) inserted.push_back(*r);
                      return r.status();
                    })
                    .ok());
  }
  EXPECT_EQ(inserted, (std::vector<bool>{true, false}));

  AlertDelivery d;
  d.account_id = "acc-1";
  d.notice_key = "arrears||0|2026-03";
  d.kind = "arrears";
  d.channel = "webhook";
  d.target = sub.webhook_url;
  d.body = "{}";
  d.log = "[]";
  d.created_at = d.next_attempt_at = 100;
  int64_t id = 0;
  ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                    auto a = txn.InsertAlertDelivery(d);
                    if (!a.ok()) return a.status();
                    d.channel = "email";
                    d.next_attempt_at = 300;
                    auto b = txn.InsertAlertDelivery(d);
                    if (!b.ok()) return b.status();
                    EXPECT_GT(*b, *a);
                    id = *a;
                    return Status::Ok();
                  })
                  .ok());
  // Claiming is compare-and-set on next_attempt_at: a second claimant loses.
  std::vector<bool> claims;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(this->Write([&](Txn& txn) -> Status {
                      auto due = txn.ListDueAlertDeliveries(200, 10);
                      if (!due.ok()) return due.status();
                      EXPECT_EQ(due->size(), i == 0 ? 1u : 0u);  // the e-mail is due at 300
                      AlertDelivery c = d;
                      c.id = id;
                      c.channel = "webhook";
                      c.attempts = 1;
                      c.next_attempt_at = 5000;
                      auto r = txn.UpdateAlertDelivery(c, 100);
                      if (r.ok()) claims.push_back(*r);
                      return r.status();
                    })
                    .ok());
  }
  EXPECT_EQ(claims, (std::vector<bool>{true, false}));
  std::vector<AlertDelivery> log;
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto l = txn.ListAlertDeliveries("acc-1", 10);
                    if (l.ok()) log = *l;
                    return l.status();
                  })
                  .ok());
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].channel, "email");  // newest first
  EXPECT_EQ(log[1].attempts, 1);
  EXPECT_EQ(log[1].next_attempt_at, 5000);

  ASSERT_TRUE(
      this->Write([&](Txn& txn) { return txn.SetAlertSubscription("acc-1", std::nullopt); }).ok());
  ASSERT_TRUE(this->Read([&](Txn& txn) -> Status {
                    auto all = txn.ListAlertSubscriptions();
                    if (!all.ok()) return all.status();
                    EXPECT_TRUE(all->empty());
                    return Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace kanjian::store

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new kanjian::store::pg::PgTestServer);
  return RUN_ALL_TESTS();
}
