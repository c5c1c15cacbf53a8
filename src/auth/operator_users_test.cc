// Operators sign in through the tenants' session rules but in a realm of
// their own: a session of one realm is never found in the other. The
// operator log lists newest first.
#include <gtest/gtest.h>

#include "auth/console_users.h"
#include "auth/test_account.h"
#include "common/error_codes.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::auth {
namespace {

constexpr char kClient[] = "198.51.100.4";

class OperatorUsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::CreateTestAccount(db_.store(), clock_, "acc-1", "shop");
    if (HasFatalFailure()) return;
    ASSERT_TRUE(tenants_.Add("shop", "alice", "correct horse battery").ok());
    ASSERT_TRUE(operators_.Add("", "root", "operator password 1").ok());
  }
  testing::TempSqlite db_;
  FakeClock clock_{1'800'000'000'000'000};
  ConsoleUsers tenants_{db_.store(), clock_};
  ConsoleUsers operators_{db_.store(), clock_, Realm::kOperator};
};

TEST_F(OperatorUsersTest, SessionsNeverCrossRealms) {
  auto op = operators_.SignIn("root", "operator password 1", kClient);
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  auto tenant = tenants_.SignIn("alice", "correct horse battery", kClient);
  ASSERT_TRUE(tenant.ok());
  EXPECT_TRUE(operators_.Check(op->cookie).ok());
  EXPECT_EQ(operators_.Check(tenant->cookie).status().code(), errc::kSessionInvalid);
  EXPECT_EQ(tenants_.Check(op->cookie).status().code(), errc::kSessionInvalid);
  // Logins are per realm: neither signs in on the other side.
  EXPECT_EQ(operators_.SignIn("alice", "correct horse battery", kClient).status().code(),
            errc::kInvalidCredentials);
  EXPECT_EQ(tenants_.SignIn("root", "operator password 1", kClient).status().code(),
            errc::kInvalidCredentials);
  auto listed = operators_.List("");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].login, "root");
  EXPECT_EQ(operators_.Add("shop", "other", "operator password 2").code(),
            errc::kInvalidParameterValue);
}

TEST_F(OperatorUsersTest, ThrottlingDisableAndPasswordChangeApplyToOperators) {
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(operators_.SignIn("root", "wrong password", kClient).status().code(),
              errc::kInvalidCredentials);
  EXPECT_EQ(operators_.SignIn("root", "operator password 1", kClient).status().code(),
            errc::kLoginLocked);
  EXPECT_TRUE(tenants_.SignIn("alice", "correct horse battery", kClient).ok())
      << "the tenant is not locked";
  EXPECT_TRUE(operators_.SignIn("root", "operator password 1", "192.0.2.7").ok())
      << "nor root from elsewhere";
  clock_.Advance(15'000'000);
  auto s = operators_.SignIn("root", "operator password 1", kClient);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(operators_.SetPassword("root", "operator password 2").ok());
  EXPECT_EQ(operators_.Check(s->cookie).status().code(), errc::kSessionInvalid);
  s = operators_.SignIn("root", "operator password 2", kClient);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(operators_.SetEnabled("root", false).ok());
  EXPECT_EQ(operators_.Check(s->cookie).status().code(), errc::kSessionInvalid);
}

TEST_F(OperatorUsersTest, TheOperatorLogListsNewestFirst) {
  ASSERT_TRUE(
      db_.store()
          .Write([](store::Txn& txn) {
            return txn.InsertOperatorAction({0, 5, "root", "recharge", "acc-1", "{}", "OK"});
          })
          .ok());
  ASSERT_TRUE(db_.store()
                  .Write([](store::Txn& txn) {
                    return txn.InsertOperatorAction(
                        {0, 6, "root", "disable", "acc-1", "{}", "ResourceNotFound"});
                  })
                  .ok());
  std::vector<store::OperatorAction> rows;
  ASSERT_TRUE(db_.store()
                  .Read([&](store::Txn& txn) -> Status {
                    auto list = txn.ListOperatorActions(10);
                    if (list.ok()) rows = *list;
                    return list.status();
                  })
                  .ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].action, "disable");  // newest first
  EXPECT_EQ(rows[1].outcome, "OK");
}

}  // namespace
}  // namespace kanjian::auth
