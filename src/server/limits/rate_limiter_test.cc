#include "server/limits/rate_limiter.h"

#include <gtest/gtest.h>

namespace kanjian::server {
namespace {

TEST(RateLimiterTest, BurstUpToQpsThenRefillsWithTime) {
  FakeClock clock(1'000'000'000);
  RateLimiter limiter(clock);
  for (int i = 0; i < 2; ++i) EXPECT_TRUE(limiter.Allow("a", "DetectSecurity", 2)) << i;
  EXPECT_FALSE(limiter.Allow("a", "DetectSecurity", 2));
  // Other accounts and actions have their own buckets.
  EXPECT_TRUE(limiter.Allow("b", "DetectSecurity", 2));
  EXPECT_TRUE(limiter.Allow("a", "DetectPet", 20));
  clock.Advance(499'999);  // just under one token at 2 QPS
  EXPECT_FALSE(limiter.Allow("a", "DetectSecurity", 2));
  clock.Advance(1);
  EXPECT_TRUE(limiter.Allow("a", "DetectSecurity", 2));
  clock.Advance(60'000'000);  // a long pause refills only to capacity
  EXPECT_TRUE(limiter.Allow("a", "DetectSecurity", 2));
  EXPECT_TRUE(limiter.Allow("a", "DetectSecurity", 2));
  EXPECT_FALSE(limiter.Allow("a", "DetectSecurity", 2));
}

TEST(RateLimiterTest, SteadyRateAtTheLimitIsNeverRefused) {
  FakeClock clock(0);
  RateLimiter limiter(clock);
  int allowed = 0;
  for (int i = 0; i < 200; ++i) {
    allowed += limiter.Allow("a", "DetectPet", 20);
    clock.Advance(50'000);  // exactly 20 per second
  }
  EXPECT_EQ(allowed, 200);
}

}  // namespace
}  // namespace kanjian::server
