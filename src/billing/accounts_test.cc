// Accounts: creation with a first key, activation, and what works without
// the master key (auth/api_keys_test.cc: the keys themselves).
#include "billing/accounts.h"

#include <gtest/gtest.h>

#include "common/error_codes.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::billing {
namespace {

class AccountServiceTest : public ::testing::Test {
 protected:
  testing::TempSqlite db_;
  crypto::SecretBox box_{std::string(32, 'm')};
  FakeClock clock_{1'790'820'000'000'000};
  AccountService accounts_{db_.store(), box_, clock_};
};

TEST_F(AccountServiceTest, CreatedKeyAuthenticatesAndIsNotStoredInClear) {
  auto created = accounts_.Create("shop");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->key.secret_id.substr(0, 4), "AKID");
  auto caller = accounts_.Authenticate(created->key.secret_id);
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->account_id, created->account_id);
  EXPECT_EQ(caller->secret_key, created->key.secret_key);
  EXPECT_EQ(db_.RawBytes().find(created->key.secret_key), std::string::npos);
  EXPECT_EQ(accounts_.Create("shop").status().code(), errc::kAlreadyExists);
}

TEST_F(AccountServiceTest, ActivationIsStampedOnceWithTheInjectedClock) {
  auto created = accounts_.Create("shop");
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(accounts_.Find("shop")->status, store::AccountStatus::kInactive);
  auto first = accounts_.Activate("shop");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->activated_at, clock_.NowMicros());
  clock_.Advance(1'000'000);
  auto again = accounts_.Activate(created->account_id);
  EXPECT_EQ(again->activated_at, first->activated_at);
  EXPECT_EQ(again->status, store::AccountStatus::kActive);
}

TEST_F(AccountServiceTest, WithoutTheKeyAccountsCanBeListedButNotSealedOrOpened) {
  crypto::SecretBox box(std::string(32, 'k'));
  AccountService with_key(db_.store(), box, clock_);
  auto created = with_key.Create("shop");
  ASSERT_TRUE(created.ok());
  AccountService keyless(db_.store(), clock_);
  EXPECT_TRUE(keyless.Activate("shop").ok());
  EXPECT_EQ(keyless.ListKeys("shop")->size(), 1u);
  EXPECT_TRUE(keyless.DisableKey(created->key.secret_id).ok());
  EXPECT_TRUE(keyless.EnableKey(created->key.secret_id).ok());
  EXPECT_EQ(keyless.Create("other").status().code(), errc::kMasterKeyMissing);
  EXPECT_EQ(keyless.CreateKey("shop").status().code(), errc::kMasterKeyMissing);
  EXPECT_EQ(keyless.RotateKey(created->key.secret_id).status().code(), errc::kMasterKeyMissing);
  EXPECT_EQ(keyless.Authenticate(created->key.secret_id).status().code(), errc::kMasterKeyMissing);
  EXPECT_EQ(keyless.ListKeys("shop")->size(), 1u);  // the refusals wrote nothing
  EXPECT_FALSE(keyless.Find("other").ok());
}

}  // namespace
}  // namespace kanjian::billing
