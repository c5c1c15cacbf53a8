#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/error_codes.h"
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
  ASSERT_TRUE(store_->CreateAccount({"acc-1", "shop", AccountStatus::kActive, 1, 1, ""},
                                    Key("AKID1", "acc-1")).ok());
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

TEST_F(SqliteStoreTest, UsageIsIdempotentOnRequestIdAndDurable) {
  ASSERT_TRUE(store_->CreateAccount({"acc-1", "shop", AccountStatus::kActive, 1, 1, ""},
                                    Key("AKID1", "acc-1")).ok());
  std::vector<UsageRecord> batch = {{"r1", "acc-1", "DetectPet", 10},
                                    {"r2", "acc-1", "DetectPet", 20},
                                    {"r1", "acc-1", "DetectPet", 10}};
  ASSERT_TRUE(store_->AppendUsage(batch).ok());
  ASSERT_TRUE(store_->AppendUsage(std::span(batch).subspan(1, 1)).ok());  // a retry
  Reopen();
  auto all = store_->ListUsage("acc-1", 0, 1000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].request_id, "r1");
  EXPECT_EQ(store_->ListUsage("acc-1", 11, 20)->size(), 0u);  // upper bound excluded
  // A record for an unknown account violates the foreign key and is refused whole.
  std::vector<UsageRecord> bad = {{"r3", "acc-1", "DetectPet", 30}, {"r4", "nope", "DetectPet", 30}};
  EXPECT_FALSE(store_->AppendUsage(bad).ok());
  EXPECT_EQ(store_->ListUsage("acc-1", 0, 1000)->size(), 2u);
}

}  // namespace
}  // namespace kanjian::store
