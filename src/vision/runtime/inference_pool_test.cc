#include "vision/runtime/inference_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/error_codes.h"

namespace kanjian::vision {
namespace {

using Clock = InferencePool::Clock;
using namespace std::chrono_literals;

TEST(InferencePool, RunsTasksAndReturnsResults) {
  InferencePool pool({.workers = 2, .queue_max = 8});
  std::vector<std::future<Result<int>>> futures;
  for (int i = 0; i < 6; ++i) {
    auto f = pool.Submit<int>(Clock::now() + 10s, [i]() -> Result<int> { return i * i; });
    ASSERT_TRUE(f.ok());
    futures.push_back(std::move(f.value()));
  }
  for (int i = 0; i < 6; ++i) {
    Result<int> r = futures[i].get();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, i * i);
  }
}

TEST(InferencePool, FullQueueIsRequestLimitExceeded) {
  InferencePool pool({.workers = 1, .queue_max = 2});
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<bool> started{false};
  auto blocker = pool.Submit<int>(Clock::now() + 10s, [&]() -> Result<int> {
    started = true;
    gate.wait();
    return 0;
  });
  ASSERT_TRUE(blocker.ok());
  while (!started) std::this_thread::yield();
  auto a = pool.Submit<int>(Clock::now() + 10s, [] { return Result<int>(1); });
  auto b = pool.Submit<int>(Clock::now() + 10s, [] { return Result<int>(2); });
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(pool.queue_depth(), 2u);
  auto c = pool.Submit<int>(Clock::now() + 10s, [] { return Result<int>(3); });
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), errc::kRequestLimitExceeded);
  release.set_value();
  EXPECT_EQ(*a.value().get(), 1);
  EXPECT_EQ(*b.value().get(), 2);
}

TEST(InferencePool, ExpiredBeforeStartIsTimeout) {
  std::atomic<bool> ran{false};
  InferencePool pool({.workers = 1, .queue_max = 4});
  auto f = pool.Submit<int>(Clock::now() - 1ms, [&]() -> Result<int> {
    ran = true;
    return 1;
  });
  ASSERT_TRUE(f.ok());
  Result<int> r = f.value().get();
  EXPECT_EQ(r.status().code(), errc::kRequestTimeout);
  EXPECT_FALSE(ran);
}

TEST(InferencePool, UsesInjectedClock) {
  auto fake_now = std::make_shared<std::atomic<int64_t>>(0);
  InferencePool::Options options{.workers = 1, .queue_max = 4};
  options.now = [fake_now] { return Clock::time_point(std::chrono::seconds(fake_now->load())); };
  InferencePool pool(options);
  auto on_time = pool.Submit<int>(Clock::time_point(5s), [] { return Result<int>(7); });
  EXPECT_EQ(*on_time.value().get(), 7);
  *fake_now = 6;
  auto late = pool.Submit<int>(Clock::time_point(5s), [] { return Result<int>(7); });
  EXPECT_EQ(late.value().get().status().code(), errc::kRequestTimeout);
}

TEST(InferencePool, ExceptionBecomesInternalError) {
  InferencePool pool({.workers = 1, .queue_max = 4});
  auto f = pool.Submit<int>(Clock::now() + 10s,
                            []() -> Result<int> { throw std::runtime_error("boom"); });
  EXPECT_EQ(f.value().get().status().code(), errc::kInternalError);
}

// The destructor fails what is still queued before it joins the workers. The
// gate, the queued task's future and the thread that opens the gate all
// outlive the pool: the gate opens when the queued task has been failed, an
// event, not after a sleep (a detached thread holding the gate by reference
// once outlived it: ASan heap-use-after-free).
TEST(InferencePool, DestructionFailsQueuedTasks) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::shared_future<Result<int>> queued;
  std::thread releaser;
  {
    InferencePool pool({.workers = 1, .queue_max = 4});
    std::atomic<bool> started{false};
    auto blocker = pool.Submit<int>(Clock::now() + 10s, [&]() -> Result<int> {
      started = true;
      gate.wait();
      return 0;
    });
    ASSERT_TRUE(blocker.ok());
    while (!started) std::this_thread::yield();
    auto submitted = pool.Submit<int>(Clock::now() + 10s, [] { return Result<int>(1); });
    if (!submitted.ok()) {
      release.set_value();  // lets the pool join its worker
      FAIL() << submitted.status().ToString();
    }
    queued = std::move(submitted.value()).share();
    releaser = std::thread([&] {
      queued.wait();  // failed by ~InferencePool, which then waits for the blocker
      release.set_value();
    });
  }
  releaser.join();
  const Result<int>& r = queued.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), errc::kInternalError);
}

}  // namespace
}  // namespace kanjian::vision
