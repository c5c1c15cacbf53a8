// Console users and sessions over a real SQLite store and a fake clock:
// sign-in, throttling of wrong passwords per address, expiry, fixation-free
// sessions, and disable / password change ending sessions.
#include "auth/console_users.h"

#include <gtest/gtest.h>

#include "auth/test_account.h"
#include "common/error_codes.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::auth {
namespace {

constexpr char kAddress[] = "198.51.100.4";

class UsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::CreateTestAccount(db_.store(), clock_, "acc-1", "shop");
    if (HasFatalFailure()) return;
    ASSERT_TRUE(users_.Add("shop", "alice", "correct horse battery").ok());
  }
  testing::TempSqlite db_;
  FakeClock clock_{1'800'000'000'000'000};
  ConsoleUsers users_{db_.store(), clock_};
};

TEST_F(UsersTest, SignInGivesAFreshSessionEachTimeAndItExpires) {
  auto s1 = users_.SignIn("alice", "correct horse battery", kAddress);
  ASSERT_TRUE(s1.ok()) << s1.status().ToString();
  auto s2 = users_.SignIn("alice", "correct horse battery", kAddress);
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

TEST_F(UsersTest, FailuresMakeOneAddressWaitAndAnswerAlikeForAnyLogin) {
  for (const char* login : {"alice", "nobody"}) {
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ(users_.SignIn(login, "wrong password", kAddress).status().code(),
                errc::kInvalidCredentials)
          << login;
    const Status sixth = users_.SignIn(login, "correct horse battery", kAddress).status();
    EXPECT_EQ(sixth.code(), errc::kLoginLocked) << login;
    EXPECT_EQ(sixth.message(), "too many failed sign-ins; try again in 15 second(s)") << login;
  }
  // The owner, elsewhere, is not locked out.
  EXPECT_TRUE(users_.SignIn("alice", "correct horse battery", "192.0.2.7").ok());
  clock_.Advance(15'000'000);
  EXPECT_TRUE(users_.SignIn("alice", "correct horse battery", kAddress).ok());
}

TEST_F(UsersTest, AWaitThatStartsIsWrittenToTheOperatorLog) {
  for (int i = 0; i < 5; ++i) (void)users_.SignIn("alice", "wrong password", kAddress);
  std::vector<store::OperatorAction> rows;
  ASSERT_TRUE(db_.store()
                  .Read([&](store::Txn& txn) -> Status {
                    auto list = txn.ListOperatorActions(10);
                    if (list.ok()) rows = *list;
                    return list.status();
                  })
                  .ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].action, "sign-in-throttled");
  EXPECT_EQ(rows[0].target, "tenant:alice");
  EXPECT_EQ(rows[0].outcome, "LoginLocked");
  EXPECT_EQ(rows[0].at, clock_.NowMicros());
  EXPECT_NE(rows[0].detail.find("\"Peer\":\"198.51.100.4\""), std::string::npos) << rows[0].detail;
}

TEST_F(UsersTest, DisableAndPasswordChangeEndSessions) {
  auto s = users_.SignIn("alice", "correct horse battery", kAddress);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(users_.SetPassword("alice", "another long password").ok());
  EXPECT_EQ(users_.Check(s->cookie).status().code(), errc::kSessionInvalid);
  EXPECT_EQ(users_.SignIn("alice", "correct horse battery", kAddress).status().code(),
            errc::kInvalidCredentials);
  s = users_.SignIn("alice", "another long password", kAddress);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(users_.SetEnabled("alice", false).ok());
  EXPECT_EQ(users_.Check(s->cookie).status().code(), errc::kSessionInvalid);
  EXPECT_EQ(users_.SignIn("alice", "another long password", kAddress).status().code(),
            errc::kInvalidCredentials);
  EXPECT_EQ(users_.Add("shop", "bob", "short").code(), errc::kInvalidParameterValue);
  EXPECT_EQ(users_.Add("shop", "alice", "long enough password").code(), errc::kAlreadyExists);
}

}  // namespace
}  // namespace kanjian::auth
