// The per-call cost of sharing QPS limits through Redis (serve --redis):
// SharedRateLimiter::Allow on a real redis-server over a Unix socket,
// against the per-node RateLimiter in the same run, at 1, 4 and 16 threads.
// Limits are set high enough that nearly every call is allowed (the common
// case); 100 accounts spread the keys.
//
//   bench/qps_limiter_bench [--seconds S]
#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "bench_support.h"
#include "server/limits/rate_limiter.h"
#include "server/limits/shared_rate_limiter.h"
#include "tests/support/redis_process.h"

namespace kanjian {
namespace {

bench::Stats Run(server::QpsLimiter& limiter, int concurrency, double seconds) {
  std::atomic<uint64_t> n{0};
  return bench::Measure(concurrency, seconds, [&] {
    const uint64_t i = n++;
    limiter.Allow("acc-" + std::to_string(i % 100), "DetectPet", 1'000'000);
    return true;  // allowed or not, the call was answered
  });
}

}  // namespace
}  // namespace kanjian

int main(int argc, char** argv) {
  using namespace kanjian;
  double seconds = 2;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
  const auto dir =
      std::filesystem::temp_directory_path() / ("kanjian-qps-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  server::RedisProcess redis(dir);
  if (!redis.Start()) {
    std::fprintf(stderr, "bench: redis-server did not start\n");
    return 1;
  }
  SystemClock clock;
  server::RateLimiter local(clock);
  server::SharedRateLimiterOptions options;
  options.address.unix_socket = redis.socket();
  server::SharedRateLimiter shared(options, clock);
  std::printf("%-6s %14s %10s %14s %10s %8s\n", "conc", "local calls/s", "p50 µs", "redis calls/s",
              "p50 µs", "ratio");
  for (int c : {1, 4, 16}) {
    const bench::Stats a = Run(local, c, seconds);
    const bench::Stats b = Run(shared, c, seconds);
    std::printf("c%-5d %14.0f %10.1f %14.0f %10.1f %7.3fx\n", c, a.images_per_s, a.p50_ms * 1000,
                b.images_per_s, b.p50_ms * 1000, b.images_per_s / a.images_per_s);
  }
  std::printf("fallback calls: %llu (0 = every call reached Redis)\n",
              static_cast<unsigned long long>(shared.fallback_calls()));
  redis.Stop();
  std::filesystem::remove_all(dir);
}
