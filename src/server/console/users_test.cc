// Console users and sessions over a real SQLite store and a fake clock:
// sign-in, lock-out after five wrong passwords, expiry, fixation-free
// sessions, and disable / password change ending sessions.
#include "server/console/users.h"

#include <gtest/gtest.h>

#include "billing/accounts.h"
#include "billing/test_util.h"
#include "common/error_codes.h"

namespace kanjian::server::console {
namespace {

class UsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = accounts_.Create("shop");
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(users_.Add("shop", "alice", "correct horse battery").ok());
  }
  testing::TempSqlite db_;
  FakeClock clock_{1'800'000'000'000'000};
  crypto::SecretBox box_{std::string(32, 'k')};
  billing::AccountService accounts_{db_.store(), box_, clock_};
  ConsoleUsers users_{db_.store(), clock_};
};

TEST_F(UsersTest, SignInGivesAFreshSessionEachTimeAndItExpires) {
  auto s1 = users_.SignIn("alice", "correct horse battery");
  ASSERT_TRUE(s1.ok()) << s1.status().ToString();
  auto s2 = users_.SignIn("alice", "correct horse battery");
  ASSERT_TRUE(s2.ok());
  EXPECT_NE(s1->cookie, s2->cookie);
  EXPECT_NE(s1->csrf_token, s2->csrf_token);
  auto checked = users_.Check(s1->cookie);
  ASSERT_TRUE(checked.ok());
  EXPECT_EQ(checked->user.login, "alice");
  EXPECT_EQ(checked->csrf_token, s1->csrf_token);
  EXPECT_EQ(users_.Check(std::string(64, 'a')).status().code(), errc::kSessionInvalid);

  ASSERT_TRUE(users_.SignOut(s1->cookie).ok());
  EXPECT_EQ(users_.Check(s1->cookie).status().code(), errc::kSessionInvalid);
  clock_.Advance(kSessionMicros);
  EXPECT_EQ(users_.Check(s2->cookie).status().code(), errc::kSessionInvalid);
}

TEST_F(UsersTest, FiveWrongPasswordsLockTheLoginFor15Minutes) {
  EXPECT_EQ(users_.SignIn("nobody", "whatever-123").status().code(), errc::kInvalidCredentials);
  for (int i = 0; i < kMaxFailedLogins; ++i)
    EXPECT_EQ(users_.SignIn("alice", "wrong password").status().code(), errc::kInvalidCredentials);
  EXPECT_EQ(users_.SignIn("alice", "correct horse battery").status().code(), errc::kLoginLocked);
  clock_.Advance(kLockMicros);
  EXPECT_TRUE(users_.SignIn("alice", "correct horse battery").ok());
}

TEST_F(UsersTest, DisableAndPasswordChangeEndSessions) {
  auto s = users_.SignIn("alice", "correct horse battery");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(users_.SetPassword("alice", "another long password").ok());
  EXPECT_EQ(users_.Check(s->cookie).status().code(), errc::kSessionInvalid);
  EXPECT_EQ(users_.SignIn("alice", "correct horse battery").status().code(),
            errc::kInvalidCredentials);
  s = users_.SignIn("alice", "another long password");
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(users_.SetEnabled("alice", false).ok());
  EXPECT_EQ(users_.Check(s->cookie).status().code(), errc::kSessionInvalid);
  EXPECT_EQ(users_.SignIn("alice", "another long password").status().code(),
            errc::kInvalidCredentials);
  EXPECT_EQ(users_.Add("shop", "bob", "short").code(), errc::kInvalidParameterValue);
  EXPECT_EQ(users_.Add("shop", "alice", "long enough password").code(), errc::kAlreadyExists);
}

}  // namespace
}  // namespace kanjian::server::console
