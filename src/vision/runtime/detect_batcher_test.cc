#include "vision/runtime/detect_batcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "common/error_codes.h"
#include "vision/engine_test_util.h"
#include "vision/recognizers/pet_recognizer.h"
#include "vision/runtime/image_decode.h"
#include "vision/vision_engine.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision {
namespace {

using Steady = std::chrono::steady_clock;

// Polls `done` until it holds; false after 30 s (a watchdog against a hang,
// not a timing assertion: every wait here is for an event that must come).
bool WaitUntil(const std::function<bool()>& done) {
  const auto give_up = Steady::now() + std::chrono::seconds(30);
  while (!done()) {
    if (Steady::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A fake detector: one detection whose class id is the image's first pixel.
// While closed, every batch it is given blocks until Open(): the tests decide
// what overlaps by events (batches running, callers waiting), not by sleeps.
struct Fake {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<size_t> sizes;          // guarded by mu
  int running = 0, peak_running = 0;  // guarded by mu
  bool open = true;                   // guarded by mu

  void Close() {
    std::lock_guard<std::mutex> lock(mu);
    open = false;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu);
    open = true;
    cv.notify_all();
  }
  int Running() {
    std::lock_guard<std::mutex> lock(mu);
    return running;
  }
  size_t ImagesStarted() {
    std::lock_guard<std::mutex> lock(mu);
    size_t n = 0;
    for (size_t s : sizes) n += s;
    return n;
  }
  DetectBatcher::BatchFn Fn() {
    return
        [this](const std::vector<cv::Mat>& images) -> Result<std::vector<std::vector<Detection>>> {
          {
            std::unique_lock<std::mutex> lock(mu);
            sizes.push_back(images.size());
            peak_running = std::max(peak_running, ++running);
            cv.wait(lock, [&] { return open; });
            --running;
          }
          std::vector<std::vector<Detection>> out;
          for (const auto& im : images) {
            Detection d;
            d.class_id = im.at<cv::Vec3b>(0, 0)[0];
            out.push_back({d});
          }
          return out;
        };
  }
};

// Starts callers first..first+count-1 on their own threads, each with an image
// whose first pixel is its index; got[i] becomes the class id it got back.
void StartCallers(DetectBatcher& batcher, int first, int count, std::vector<int>& got,
                  std::vector<std::thread>& threads) {
  for (int i = first; i < first + count; ++i) {
    threads.emplace_back([&batcher, &got, i] {
      cv::Mat image(4, 4, CV_8UC3, cv::Scalar(i, 0, 0));
      auto r = batcher.Detect(image);
      if (r.ok() && r->size() == 1) got[i] = (*r)[0].class_id;
    });
  }
}

void JoinAll(std::vector<std::thread>& threads) {
  for (auto& t : threads) t.join();
}

TEST(DetectBatcherTest, ConcurrentCallersShareBatchesAndGetTheirOwnResults) {
  Fake fake;
  DetectBatcher batcher({/*batch_max=*/4, /*window_ms=*/10, /*max_inflight=*/2}, fake.Fn());
  constexpr int kCallers = 12;
  std::vector<int> got(kCallers, -1);
  std::vector<std::thread> threads;
  fake.Close();
  StartCallers(batcher, 0, kCallers, got, threads);
  // Both slots hold a batch and every other caller waits: at least 4 do, so
  // the next batch takes more than one image.
  EXPECT_TRUE(WaitUntil([&] {
    return fake.Running() == 2 && fake.ImagesStarted() + batcher.waiting() == size_t(kCallers);
  }));
  fake.Open();
  JoinAll(threads);
  for (int i = 0; i < kCallers; ++i) EXPECT_EQ(got[i], i);
  size_t total = 0, largest = 0;
  for (size_t s : fake.sizes) {
    total += s;
    largest = std::max(largest, s);
  }
  EXPECT_EQ(total, size_t(kCallers));
  EXPECT_LE(largest, 4u);
  EXPECT_GT(largest, 1u);  // some callers were batched together
  EXPECT_LT(fake.sizes.size(), size_t(kCallers));
  EXPECT_EQ(batcher.images_run(), uint64_t(kCallers));
}

// Found on 16 one-thread workers: gathering up to batch_max regardless of idle
// workers ran 4 batches of 4 on 4 cores while 12 sat idle, far slower than no
// batching.
// With as many free slots as callers, each caller runs alone and at once: all
// 8 batches are running together before any of them is let finish.
TEST(DetectBatcherTest, IdleSlotsRunCallersAtOnceInsteadOfQueueingThemIntoOneBatch) {
  Fake fake;
  DetectBatcher batcher({/*batch_max=*/4, /*window_ms=*/20, /*max_inflight=*/8}, fake.Fn());
  std::vector<int> got(8, -1);
  std::vector<std::thread> threads;
  fake.Close();
  StartCallers(batcher, 0, 8, got, threads);
  EXPECT_TRUE(WaitUntil([&] { return fake.Running() == 8; }));
  fake.Open();
  JoinAll(threads);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(got[i], i);
  EXPECT_EQ(fake.sizes, std::vector<size_t>(8, 1));
  EXPECT_EQ(fake.peak_running, 8);
}

// Continuous batching: callers that queue while the only slot is busy form the
// next batch (up to batch_max) as soon as it frees, with no window at all.
TEST(DetectBatcherTest, CallersQueuedBehindABusySlotFillTheNextBatch) {
  Fake fake;
  DetectBatcher batcher({/*batch_max=*/4, /*window_ms=*/0, /*max_inflight=*/1}, fake.Fn());
  std::vector<int> got(6, -1);
  std::vector<std::thread> threads;
  fake.Close();
  StartCallers(batcher, 0, 1, got, threads);
  EXPECT_TRUE(WaitUntil([&] { return fake.Running() == 1; }));  // caller 0 holds the slot
  StartCallers(batcher, 1, 5, got, threads);
  EXPECT_TRUE(WaitUntil([&] { return batcher.waiting() == 5; }));  // all five queue behind it
  fake.Open();
  JoinAll(threads);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(got[i], i);
  EXPECT_EQ(fake.sizes, (std::vector<size_t>{1, 4, 1}));
  EXPECT_EQ(fake.peak_running, 1);
}

// A lone caller is not held for a full batch: it runs by itself once the
// window has passed. Should it wait for company, three more callers complete
// its batch so the test fails instead of hanging.
TEST(DetectBatcherTest, ALoneCallerRunsAloneAfterTheWindow) {
  Fake fake;
  DetectBatcher batcher({/*batch_max=*/4, /*window_ms=*/5}, fake.Fn());
  std::vector<int> got(4, -1);
  std::vector<std::thread> threads;
  StartCallers(batcher, 0, 1, got, threads);
  const bool alone = WaitUntil([&] { return batcher.images_run() == 1; });
  EXPECT_TRUE(alone) << "a lone caller waited for a full batch";
  if (!alone) StartCallers(batcher, 1, 3, got, threads);
  JoinAll(threads);
  EXPECT_EQ(got[0], 0);
  EXPECT_EQ(fake.sizes, std::vector<size_t>{1});
}

TEST(DetectBatcherTest, AFailedBatchFailsEveryCallerInIt) {
  DetectBatcher batcher(
      {4, 20}, [](const std::vector<cv::Mat>&) -> Result<std::vector<std::vector<Detection>>> {
        return Status(errc::kInternalError, "boom");
      });
  std::vector<ErrorCode> codes(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      cv::Mat image(4, 4, CV_8UC3);
      codes[i] = batcher.Detect(image).status().code();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& c : codes) EXPECT_EQ(c, errc::kInternalError);
}

// DetectPet answers exactly the same with and without micro-batching.
TEST(DetectBatcherTest, DetectPetIsIdenticalWithBatching) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
  KANJIAN_REQUIRE_FILE(testing::CatImage());
  VisionConfig plain;
  plain.models_dir = testing::ModelsDir();
  // Identical only on one canvas shape: with letterbox "stride" a batch of a
  // 4:3 dog and a 3:2 cat shares the larger canvas, and scores move by a
  // few hundredths (yolo_stride_test.cc checks that case).
  plain.detector_file = "yolov5s.onnx";
  plain.detector_letterbox = Letterbox::kSquare;
  VisionConfig batched = plain;
  batched.batch_max = 4;
  batched.batch_window_ms = 20;
  auto a = VisionEngine::Load(plain);
  auto b = VisionEngine::Load(batched);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const std::vector<std::string> images = {
      testing::ReadFile(testing::DarknetImage("dog.jpg")), testing::ReadFile(testing::CatImage()),
      testing::ReadFile(testing::DarknetImage("dog.jpg")), testing::ReadFile(testing::CatImage())};
  const auto deadline = Steady::now() + std::chrono::seconds(60);
  std::vector<Result<std::vector<Pet>>> want, got(images.size(), Status());
  for (const auto& im : images) want.push_back(testing::DetectPetOn(**a, im, deadline));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < images.size(); ++i)
    threads.emplace_back([&, i] { got[i] = testing::DetectPetOn(**b, images[i], deadline); });
  for (auto& t : threads) t.join();
  EXPECT_GT((*b)->batcher()->images_run(), (*b)->batcher()->batches_run());  // really batched
  for (size_t i = 0; i < images.size(); ++i) {
    ASSERT_TRUE(want[i].ok()) << want[i].status().ToString();
    ASSERT_TRUE(got[i].ok()) << got[i].status().ToString();
    ASSERT_EQ(want[i]->size(), got[i]->size()) << i;
    for (size_t k = 0; k < want[i]->size(); ++k) {
      const Pet &w = (*want[i])[k], &g = (*got[i])[k];
      EXPECT_EQ(w.name, g.name);
      EXPECT_EQ(w.score, g.score);
      EXPECT_EQ(w.location.x, g.location.x);
      EXPECT_EQ(w.location.y, g.location.y);
      EXPECT_EQ(w.location.width, g.location.width);
      EXPECT_EQ(w.location.height, g.location.height);
    }
  }
}

}  // namespace
}  // namespace kanjian::vision
