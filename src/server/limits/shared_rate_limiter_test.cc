// Against a real redis-server (Debian's, started here on a private Unix
// socket): limits hold across two "nodes", survive a script flush, and fall
// back to per-node limits while Redis is down.
#include "server/limits/shared_rate_limiter.h"
#include "tests/support/redis_process.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <thread>

namespace kanjian::server {
namespace {

namespace fs = std::filesystem;

namespace fs = std::filesystem;

class SharedRateLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kanjian-redis-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    redis_ = std::make_unique<RedisProcess>(dir_);
    ASSERT_TRUE(redis_->Start())
        << "redis-server (Debian redis-server, scripts/setup.sh) did not start";
  }
  void TearDown() override {
    redis_.reset();
    fs::remove_all(dir_);
  }
  SharedRateLimiterOptions Options(int nodes = 1) {
    SharedRateLimiterOptions o;
    o.address.unix_socket = redis_->socket();
    o.nodes = nodes;
    o.timeout_ms = 200;
    return o;
  }

  fs::path dir_;
  std::unique_ptr<RedisProcess> redis_;
  FakeClock clock_{1'795'694'732'000'000};
};

TEST(ParseRedisUrlTest, AcceptsTheUsualForms) {
  auto a = ParseRedisUrl("redis://10.0.0.5:6380/2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 2);
  a = ParseRedisUrl("redis://:s3cret@cache");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "cache");
  EXPECT_EQ(a->port, 6379);
  EXPECT_EQ(a->password, "s3cret");
  a = ParseRedisUrl("unix:///run/redis.sock?db=3");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->unix_socket, "/run/redis.sock");
  EXPECT_EQ(a->db, 3);
  for (const char* bad : {"http://x", "redis://h:0", "redis://h:99999", "redis://h/x", "unix://rel",
                          "localhost:6379"}) {
    EXPECT_FALSE(ParseRedisUrl(bad).ok()) << bad;
  }
}

TEST_F(SharedRateLimiterTest, TwoNodesShareOneBucket) {
  SharedRateLimiter a(Options(), clock_), b(Options(), clock_);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) {
    allowed += a.Allow("acc", "DetectPet", 5);
    allowed += b.Allow("acc", "DetectPet", 5);
  }
  EXPECT_EQ(allowed, 5);                             // one burst of 5 between them, not 5 each
  EXPECT_TRUE(b.Allow("acc", "DetectSecurity", 2));  // another action: its own bucket
  EXPECT_TRUE(a.Allow("other", "DetectPet", 5));     // another account too
  clock_.Advance(199'999);                           // just under one interval at 5 QPS
  EXPECT_FALSE(a.Allow("acc", "DetectPet", 5));
  clock_.Advance(1);
  EXPECT_TRUE(b.Allow("acc", "DetectPet", 5));
  EXPECT_FALSE(a.Allow("acc", "DetectPet", 5));
  clock_.Advance(60'000'000);  // a long pause refills only to the burst
  allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += (i % 2 ? a : b).Allow("acc", "DetectPet", 5);
  EXPECT_EQ(allowed, 5);
  EXPECT_TRUE(a.redis_up());
  EXPECT_EQ(a.fallback_calls() + b.fallback_calls(), 0u);
}

TEST_F(SharedRateLimiterTest, ConcurrentNodesNeverOverdraw) {
  SharedRateLimiter a(Options(), clock_), b(Options(), clock_);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) allowed += (t % 2 ? a : b).Allow("acc", "DetectPet", 50);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 50);  // 200 tries at one instant, burst 50
}

TEST_F(SharedRateLimiterTest, ScriptFlushIsSurvived) {
  SharedRateLimiter a(Options(), clock_);
  EXPECT_TRUE(a.Allow("acc", "DetectPet", 1));
  ASSERT_TRUE(redis_->Command("SCRIPT FLUSH"));
  EXPECT_FALSE(a.Allow("acc", "DetectPet", 1));  // still the shared bucket, via EVAL
  EXPECT_TRUE(a.redis_up());
  EXPECT_EQ(a.fallback_calls(), 0u);
}

TEST_F(SharedRateLimiterTest, FallsBackPerNodeWhileRedisIsDownAndReturns) {
  SharedRateLimiter a(Options(/*nodes=*/2), clock_);
  EXPECT_TRUE(a.Allow("acc", "DetectPet", 5));
  redis_->Stop();
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += a.Allow("acc", "DetectPet", 5);
  EXPECT_EQ(allowed, 2);  // max(1, 5 / 2) on this node's own bucket
  EXPECT_FALSE(a.redis_up());
  EXPECT_EQ(a.fallback_calls(), 10u);
  EXPECT_EQ(a.Allow("acc", "DetectChefDress", 1), true);  // max(1, 1 / 2) = 1, never 0
  ASSERT_TRUE(redis_->Start());
  EXPECT_FALSE(a.Allow("acc", "DetectPet", 5));  // within the retry pause: still local
  EXPECT_FALSE(a.redis_up());
  clock_.Advance(1'000'000);  // the pause is over (and the local bucket refilled)
  allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += a.Allow("acc", "DetectPet", 5);
  EXPECT_EQ(allowed, 5);  // the shared bucket again, a fresh one
  EXPECT_TRUE(a.redis_up());
}

TEST_F(SharedRateLimiterTest, NoRedisAtAllStillLimits) {
  SharedRateLimiterOptions o = Options(/*nodes=*/4);
  o.address.unix_socket = (dir_ / "nobody-listens.sock").string();
  SharedRateLimiter a(o, clock_);
  int allowed = 0;
  for (int i = 0; i < 30; ++i) allowed += a.Allow("acc", "DetectPet", 20);
  EXPECT_EQ(allowed, 5);  // 20 / 4
  EXPECT_FALSE(a.redis_up());
}

}  // namespace
}  // namespace kanjian::server
