#include "auth/master_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "auth/api_keys.h"
#include "common/error_codes.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::auth {
namespace {

class MasterKeyTest : public ::testing::Test {
 protected:
  MasterKeySource FileSource() const { return {"", MasterKeyFileFor(db_.path())}; }
  // Creates an account whose SecretKey is sealed under `box`.
  void CreateAccountWith(const crypto::SecretBox& box) {
    NewKey plain;
    auto sealed = ApiKeys(db_.store(), &box, clock_).Mint("acc-1", &plain);
    ASSERT_TRUE(sealed.ok());
    store::Account account{
        "acc-1", "shop", store::AccountStatus::kInactive, clock_.NowMicros(), std::nullopt, ""};
    ASSERT_TRUE(db_.store().CreateAccount(account, *sealed).ok());
  }
  std::string ReadFile(const std::string& path) const {
    std::ifstream in(path);
    std::string text;
    in >> text;
    return text;
  }

  testing::TempSqlite db_;
  FakeClock clock_{1'790'820'000'000'000};
};

TEST_F(MasterKeyTest, MintsAKeyFileOwnerOnlyForADatabaseWithNoSecrets) {
  auto box = OpenMasterKey(db_.store(), FileSource());
  ASSERT_TRUE(box.ok()) << box.status().ToString();
  const std::string path = MasterKeyFileFor(db_.path());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(ReadFile(path).size(), 64u);
  // The next open reads the same key: what it sealed, the second box opens.
  CreateAccountWith(**box);
  auto again = OpenMasterKey(db_.store(), FileSource());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ReadFile(path).size(), 64u);
}

TEST_F(MasterKeyTest, MissingKeyOverSealedSecretsIsRefusedAndNothingIsMinted) {
  crypto::SecretBox original(std::string(32, 'k'));
  CreateAccountWith(original);  // sealed under a key that was then lost
  auto box = OpenMasterKey(db_.store(), FileSource());
  ASSERT_FALSE(box.ok());
  EXPECT_EQ(box.status().code(), errc::kMasterKeyMissing);
  EXPECT_NE(box.status().message().find(MasterKeyFileFor(db_.path())), std::string::npos)
      << box.status().message();
  EXPECT_NE(box.status().message().find(kMasterKeyVariable), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(MasterKeyFileFor(db_.path())));
}

TEST_F(MasterKeyTest, WrongKeyFileIsRefusedNamingTheFile) {
  CreateAccountWith(crypto::SecretBox(std::string(32, 'k')));
  const std::string path = MasterKeyFileFor(db_.path());
  std::ofstream(path) << crypto::Hex(std::string(32, 'w')) << "\n";
  auto box = OpenMasterKey(db_.store(), FileSource());
  ASSERT_FALSE(box.ok());
  EXPECT_EQ(box.status().code(), errc::kMasterKeyMismatch);
  EXPECT_NE(box.status().message().find(path), std::string::npos) << box.status().message();
  // The file is left as it was: the operator decides which key is right.
  EXPECT_EQ(ReadFile(path), crypto::Hex(std::string(32, 'w')));
}

TEST_F(MasterKeyTest, TheVariableWinsOverTheFileAndIsCheckedToo) {
  CreateAccountWith(crypto::SecretBox(std::string(32, 'k')));
  std::ofstream(MasterKeyFileFor(db_.path())) << crypto::Hex(std::string(32, 'w')) << "\n";
  MasterKeySource right{crypto::Hex(std::string(32, 'k')), MasterKeyFileFor(db_.path())};
  auto box = OpenMasterKey(db_.store(), right);
  ASSERT_TRUE(box.ok()) << box.status().ToString();
  MasterKeySource wrong{crypto::Hex(std::string(32, 'x')), MasterKeyFileFor(db_.path())};
  auto refused = OpenMasterKey(db_.store(), wrong);
  EXPECT_EQ(refused.status().code(), errc::kMasterKeyMismatch);
  EXPECT_NE(refused.status().message().find(kMasterKeyVariable), std::string::npos);
}

TEST_F(MasterKeyTest, MalformedKeysAreRefusedNamingTheirSource) {
  MasterKeySource short_env{"abcd", MasterKeyFileFor(db_.path())};
  auto env = OpenMasterKey(db_.store(), short_env);
  EXPECT_EQ(env.status().code(), errc::kInvalidConfiguration);
  EXPECT_NE(env.status().message().find(kMasterKeyVariable), std::string::npos);
  std::ofstream(MasterKeyFileFor(db_.path())) << "not hex\n";
  auto file = OpenMasterKey(db_.store(), FileSource());
  EXPECT_EQ(file.status().code(), errc::kInvalidConfiguration);
  EXPECT_NE(file.status().message().find(MasterKeyFileFor(db_.path())), std::string::npos);
}

}  // namespace
}  // namespace kanjian::auth
