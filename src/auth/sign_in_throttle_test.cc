// Sign-in throttling against a fake clock: free failures, doubling waits per
// (login, address), addresses apart, forgetting, and the per-login ceiling.
#include "auth/sign_in_throttle.h"

#include <gtest/gtest.h>

namespace kanjian::auth {
namespace {

constexpr int64_t kSecond = 1'000'000;
using Lock = SignInThrottle::Lock;

class ThrottleTest : public ::testing::Test {
 protected:
  FakeClock clock_{1'800'000'000'000'000};
};

TEST_F(ThrottleTest, FiveFreeFailuresThenWaitsThatDoubleUpToFifteenMinutes) {
  SignInThrottle t;
  for (int i = 1; i < 5; ++i) {
    EXPECT_EQ(t.Failed("alice", "a", clock_.NowMicros()).wait_micros, 0) << i;
    EXPECT_EQ(t.WaitMicros("alice", "a", clock_.NowMicros()), 0);
  }
  const auto fifth = t.Failed("alice", "a", clock_.NowMicros());
  EXPECT_EQ(fifth.started, Lock::kAddress);
  EXPECT_EQ(fifth.failures, 5);
  EXPECT_EQ(fifth.wait_micros, 15 * kSecond);
  EXPECT_EQ(t.WaitMicros("alice", "a", clock_.NowMicros()), 15 * kSecond);
  clock_.Advance(10 * kSecond);
  EXPECT_EQ(t.WaitMicros("alice", "a", clock_.NowMicros()), 5 * kSecond);
  clock_.Advance(5 * kSecond);
  EXPECT_EQ(t.WaitMicros("alice", "a", clock_.NowMicros()), 0);

  int64_t expected = 30 * kSecond;
  for (int i = 6; i < 20; ++i) {
    const auto f = t.Failed("alice", "a", clock_.NowMicros());
    EXPECT_EQ(f.started, Lock::kNone) << "logged once, when the wait starts";
    EXPECT_EQ(f.wait_micros, std::min<int64_t>(expected, 15 * 60 * kSecond)) << i;
    clock_.Advance(f.wait_micros);
    expected *= 2;
  }
}

TEST_F(ThrottleTest, AddressesAndLoginsCountApartAndASuccessStartsAfresh) {
  SignInThrottle t;
  for (int i = 0; i < 5; ++i) (void)t.Failed("root", "attacker", clock_.NowMicros());
  EXPECT_GT(t.WaitMicros("root", "attacker", clock_.NowMicros()), 0);
  EXPECT_EQ(t.WaitMicros("root", "owner", clock_.NowMicros()), 0);
  EXPECT_EQ(t.WaitMicros("alice", "attacker", clock_.NowMicros()), 0);

  for (int i = 0; i < 4; ++i) (void)t.Failed("root", "owner", clock_.NowMicros());
  t.Succeeded("root", "owner");
  EXPECT_EQ(t.Failed("root", "owner", clock_.NowMicros()).wait_micros, 0) << "the count restarted";
}

TEST_F(ThrottleTest, OverlongLoginsCountUnderTheirFirst65Bytes) {
  SignInThrottle t;
  const std::string stem(65, 'x');
  for (int i = 0; i < 5; ++i) (void)t.Failed(stem + std::to_string(i), "a", clock_.NowMicros());
  EXPECT_GT(t.WaitMicros(stem + "-anything", "a", clock_.NowMicros()), 0);
  EXPECT_EQ(t.WaitMicros(stem.substr(0, 64), "a", clock_.NowMicros()), 0);
}

TEST_F(ThrottleTest, AnHourWithoutFailuresForgetsThePair) {
  SignInThrottle t;
  for (int i = 0; i < 12; ++i) (void)t.Failed("alice", "a", clock_.NowMicros());
  clock_.Advance(3600 * kSecond + 1);
  EXPECT_EQ(t.WaitMicros("alice", "a", clock_.NowMicros()), 0);
  EXPECT_EQ(t.Failed("alice", "a", clock_.NowMicros()).wait_micros, 0);
}

TEST_F(ThrottleTest, OneAddressTryingAllHourStaysFarBelowTheLoginCeiling) {
  SignInThrottle t;
  int failures = 0;
  const UnixMicros end = clock_.NowMicros() + 3600 * kSecond;
  while (clock_.NowMicros() < end) {
    clock_.Advance(t.WaitMicros("root", "a", clock_.NowMicros()));
    const auto f = t.Failed("root", "a", clock_.NowMicros());
    EXPECT_NE(f.started, Lock::kLogin);
    ++failures;
    clock_.Advance(std::max<int64_t>(f.wait_micros, 1));
  }
  EXPECT_LE(failures, 15);
  EXPECT_EQ(t.WaitMicros("root", "b", clock_.NowMicros()), 0);
}

TEST_F(ThrottleTest, TheLoginCeilingStopsEveryAddressUntilTheWindowEnds) {
  ThrottleRules rules;
  rules.login_ceiling = 30;
  SignInThrottle t(rules);
  SignInThrottle::Failure last;
  for (int i = 0; i < 30; ++i) last = t.Failed("root", "a" + std::to_string(i), clock_.NowMicros());
  EXPECT_EQ(last.started, Lock::kLogin);
  EXPECT_EQ(last.failures, 30);
  EXPECT_EQ(last.wait_micros, 3600 * kSecond);
  EXPECT_EQ(t.WaitMicros("root", "owner", clock_.NowMicros()), 3600 * kSecond);
  EXPECT_EQ(t.WaitMicros("alice", "owner", clock_.NowMicros()), 0);
  clock_.Advance(3600 * kSecond);
  EXPECT_EQ(t.WaitMicros("root", "owner", clock_.NowMicros()), 0);
}

TEST_F(ThrottleTest, AFullTableForgetsOldPairsButKeepsTheNewest) {
  ThrottleRules rules;
  rules.max_entries = 8;
  SignInThrottle t(rules);
  for (int i = 0; i < 5; ++i) (void)t.Failed("root", "old", clock_.NowMicros());
  for (int n = 0; n < 40; ++n) {
    clock_.Advance(1);
    (void)t.Failed("user" + std::to_string(n), "spray", clock_.NowMicros());
  }
  EXPECT_EQ(t.WaitMicros("root", "old", clock_.NowMicros()), 0) << "pruned";
  for (int i = 0; i < 5; ++i) (void)t.Failed("root", "new", clock_.NowMicros());
  EXPECT_GT(t.WaitMicros("root", "new", clock_.NowMicros()), 0);
}

}  // namespace
}  // namespace kanjian::auth
