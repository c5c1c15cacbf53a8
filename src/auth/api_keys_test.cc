#include "auth/api_keys.h"

#include <gtest/gtest.h>

#include "common/error_codes.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::auth {
namespace {

class ApiKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sealed = keys_.Mint("acc-1", &first_);
    ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
    store::Account account{
        "acc-1", "shop", store::AccountStatus::kInactive, clock_.NowMicros(), std::nullopt, ""};
    ASSERT_TRUE(db_.store().CreateAccount(account, *sealed).ok());
  }

  testing::TempSqlite db_;
  crypto::SecretBox box_{std::string(32, 'm')};
  FakeClock clock_{1'790'820'000'000'000};
  ApiKeys keys_{db_.store(), &box_, clock_};
  NewKey first_;
};

TEST_F(ApiKeysTest, AMintedKeyAuthenticatesAndIsNotStoredInClear) {
  EXPECT_EQ(first_.secret_id.substr(0, 4), "AKID");
  auto caller = keys_.Authenticate(first_.secret_id);
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->account_id, "acc-1");
  EXPECT_EQ(caller->secret_key, first_.secret_key);
  EXPECT_EQ(db_.RawBytes().find(first_.secret_key), std::string::npos);
}

TEST_F(ApiKeysTest, DisabledAndRotatedKeysStopAuthenticating) {
  const std::string old_id = first_.secret_id;
  auto rotated = keys_.Rotate(old_id);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(keys_.Authenticate(old_id).status().code(), errc::kSecretIdNotFound);
  EXPECT_EQ(keys_.Authenticate(rotated->secret_id)->secret_key, rotated->secret_key);
  ASSERT_TRUE(keys_.Disable(rotated->secret_id).ok());
  EXPECT_EQ(keys_.Authenticate(rotated->secret_id).status().code(), errc::kSecretIdNotFound);
  ASSERT_TRUE(keys_.Enable(rotated->secret_id).ok());
  EXPECT_TRUE(keys_.Authenticate(rotated->secret_id).ok());
  EXPECT_EQ(keys_.Authenticate("AKIDunknown").status().code(), errc::kSecretIdNotFound);
  EXPECT_EQ(keys_.List("shop")->size(), 2u);
}

TEST_F(ApiKeysTest, WrongMasterKeyCannotOpenSecrets) {
  crypto::SecretBox other(std::string(32, 'x'));
  ApiKeys with_other_key(db_.store(), &other, clock_);
  EXPECT_EQ(with_other_key.Authenticate(first_.secret_id).status().code(), errc::kInternalError);
}

TEST_F(ApiKeysTest, UseIsWrittenOnceAMinute) {
  keys_.NoteUsed(first_.secret_id);
  auto used = keys_.LastUsed("shop");
  ASSERT_TRUE(used.ok()) << used.status().ToString();
  ASSERT_EQ(used->count(first_.secret_id), 1u);
  const UnixMicros first_use = used->at(first_.secret_id);
  clock_.Advance(30'000'000);  // the same minute: nothing written
  keys_.NoteUsed(first_.secret_id);
  EXPECT_EQ(keys_.LastUsed("shop")->at(first_.secret_id), first_use);
  clock_.Advance(60'000'000);
  keys_.NoteUsed(first_.secret_id);
  EXPECT_GT(keys_.LastUsed("shop")->at(first_.secret_id), first_use);
}

}  // namespace
}  // namespace kanjian::auth
