#include "server/api/replay_guard.h"

#include <gtest/gtest.h>

namespace kanjian::server {
namespace {

constexpr int64_t kT0 = 1700000000;
constexpr int64_t kSecond = 1'000'000;
using Verdict = ReplayGuard::Verdict;

TEST(ReplayGuardTest, ASecondSightingWithinTheWindowIsAReplay) {
  FakeClock clock(kT0 * kSecond);
  ReplayGuard guard(clock);
  EXPECT_EQ(guard.Check("sig-a", kT0), Verdict::kFirst);
  EXPECT_EQ(guard.Check("sig-b", kT0), Verdict::kFirst);
  clock.Advance(300 * kSecond);  // the last second the signature itself is still valid
  EXPECT_EQ(guard.Check("sig-a", kT0), Verdict::kReplayed);
  EXPECT_EQ(guard.size(), 2u);
}

TEST(ReplayGuardTest, EntriesAreForgottenOnceTheSignatureHasExpired) {
  FakeClock clock(kT0 * kSecond);
  ReplayGuard guard(clock);
  EXPECT_EQ(guard.Check("old", kT0 - 200), Verdict::kFirst);
  EXPECT_EQ(guard.Check("ahead", kT0 + 300), Verdict::kFirst);  // a client clock 5 min fast
  clock.Advance(101 * kSecond);  // "old" signed 301 s ago: expired, its entry gone
  EXPECT_EQ(guard.Check("new", kT0 + 101), Verdict::kFirst);
  EXPECT_EQ(guard.size(), 2u);
  // "ahead" is kept until its own Timestamp + 300 s, 10 minutes after it came.
  clock.Set((kT0 + 600) * kSecond);
  EXPECT_EQ(guard.Check("ahead", kT0 + 300), Verdict::kReplayed);
  clock.Set((kT0 + 601) * kSecond);
  EXPECT_EQ(guard.Check("probe", kT0 + 601), Verdict::kFirst);
  EXPECT_EQ(guard.size(), 1u);
}

TEST(ReplayGuardTest, MemoryIsBoundedAndAFullGuardRefusesInsteadOfForgetting) {
  FakeClock clock(kT0 * kSecond);
  ReplayGuard guard(clock, /*window_seconds=*/300, /*max_entries=*/3);
  for (const char* key : {"a", "b", "c"}) EXPECT_EQ(guard.Check(key, kT0), Verdict::kFirst);
  EXPECT_EQ(guard.Check("d", kT0), Verdict::kFull);
  EXPECT_EQ(guard.Check("a", kT0), Verdict::kReplayed);  // still remembered
  EXPECT_EQ(guard.size(), 3u);
  clock.Advance(301 * kSecond);
  EXPECT_EQ(guard.Check("d", kT0 + 301), Verdict::kFirst);
  EXPECT_EQ(guard.size(), 1u);
}

}  // namespace
}  // namespace kanjian::server
