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

TEST_F(AccountServiceTest, DisabledAndRotatedKeysStopAuthenticating) {
  auto created = accounts_.Create("shop");
  ASSERT_TRUE(created.ok());
  const std::string old_id = created->key.secret_id;
  auto rotated = accounts_.RotateKey(old_id);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(accounts_.Authenticate(old_id).status().code(), errc::kSecretIdNotFound);
  EXPECT_EQ(accounts_.Authenticate(rotated->secret_id)->secret_key, rotated->secret_key);
  ASSERT_TRUE(accounts_.DisableKey(rotated->secret_id).ok());
  EXPECT_EQ(accounts_.Authenticate(rotated->secret_id).status().code(), errc::kSecretIdNotFound);
  ASSERT_TRUE(accounts_.EnableKey(rotated->secret_id).ok());
  EXPECT_TRUE(accounts_.Authenticate(rotated->secret_id).ok());
  EXPECT_EQ(accounts_.Authenticate("AKIDunknown").status().code(), errc::kSecretIdNotFound);
  EXPECT_EQ(accounts_.ListKeys("shop")->size(), 2u);
}

TEST_F(AccountServiceTest, WrongMasterKeyCannotOpenSecrets) {
  auto created = accounts_.Create("shop");
  ASSERT_TRUE(created.ok());
  crypto::SecretBox other(std::string(32, 'x'));
  AccountService with_other_key(db_.store(), other, clock_);
  auto caller = with_other_key.Authenticate(created->key.secret_id);
  EXPECT_EQ(caller.status().code(), errc::kInternalError);
}

}  // namespace
}  // namespace kanjian::billing
