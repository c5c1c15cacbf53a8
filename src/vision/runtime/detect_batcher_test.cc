#include "vision/runtime/detect_batcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/error_codes.h"
#include "vision/runtime/image_decode.h"
#include "vision/recognisers/pet_recognizer.h"
#include "vision/vision_engine.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision {
namespace {

using Steady = std::chrono::steady_clock;

// A fake detector: one detection whose class id is the image's first pixel.
struct Fake {
  std::mutex mu;
  std::vector<size_t> sizes;  // guarded by mu
  int running = 0, peak_running = 0;  // guarded by mu
  DetectBatcher::BatchFn Fn(int sleep_ms = 20) {
    return [this, sleep_ms](const std::vector<cv::Mat>& images)
               -> Result<std::vector<std::vector<Detection>>> {
      {
        std::lock_guard<std::mutex> lock(mu);
        sizes.push_back(images.size());
        peak_running = std::max(peak_running, ++running);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
      {
        std::lock_guard<std::mutex> lock(mu);
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

TEST(DetectBatcherTest, ConcurrentCallersShareBatchesAndGetTheirOwnResults) {
  Fake fake;
  DetectBatcher batcher({4, 10}, fake.Fn());
  constexpr int kThreads = 12;
  std::vector<int> got(kThreads, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      cv::Mat image(4, 4, CV_8UC3, cv::Scalar(i, 0, 0));
      auto r = batcher.Detect(image);
      if (r.ok() && r->size() == 1) got[i] = (*r)[0].class_id;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) EXPECT_EQ(got[i], i);
  size_t total = 0, largest = 0;
  for (size_t s : fake.sizes) {
    total += s;
    largest = std::max(largest, s);
  }
  EXPECT_EQ(total, size_t(kThreads));
  EXPECT_LE(largest, 4u);
  EXPECT_GT(largest, 1u);  // some callers were batched together
  EXPECT_LT(fake.sizes.size(), size_t(kThreads));
  EXPECT_EQ(batcher.images_run(), uint64_t(kThreads));
}

// Runs `n` callers at once, each with an image whose first pixel is its index;
// returns the class id each got back (-1: failed).
std::vector<int> DetectConcurrently(DetectBatcher& batcher, int n, int first_delay_ms = 0) {
  std::vector<int> got(n, -1);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(first_delay_ms));
      cv::Mat image(4, 4, CV_8UC3, cv::Scalar(i, 0, 0));
      auto r = batcher.Detect(image);
      if (r.ok() && r->size() == 1) got[i] = (*r)[0].class_id;
    });
  }
  for (auto& t : threads) t.join();
  return got;
}

// Found on 16 one-thread workers: gathering up to batch_max regardless of idle
// workers ran 4 batches of 4 on 4 cores while 12 sat idle (0.34× of no batching).
// With as many free slots as callers, each caller runs alone and at once.
TEST(DetectBatcherTest, IdleSlotsRunCallersAtOnceInsteadOfQueueingThemIntoOneBatch) {
  Fake fake;
  DetectBatcher batcher({/*batch_max=*/4, /*window_ms=*/20, /*max_inflight=*/8}, fake.Fn(300));
  const std::vector<int> got = DetectConcurrently(batcher, 8);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(got[i], i);
  EXPECT_EQ(fake.sizes, std::vector<size_t>(8, 1));
  EXPECT_EQ(fake.peak_running, 8);
}

// Continuous batching: callers that queue while the only slot is busy form the
// next batch (up to batch_max) as soon as it frees, with no window at all.
TEST(DetectBatcherTest, CallersQueuedBehindABusySlotFillTheNextBatch) {
  Fake fake;
  DetectBatcher batcher({/*batch_max=*/4, /*window_ms=*/0, /*max_inflight=*/1}, fake.Fn(200));
  const std::vector<int> got = DetectConcurrently(batcher, 6, /*first_delay_ms=*/50);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(got[i], i);
  EXPECT_EQ(fake.sizes, (std::vector<size_t>{1, 4, 1}));
  EXPECT_EQ(fake.peak_running, 1);
}

TEST(DetectBatcherTest, ALoneCallerWaitsOnlyTheWindow) {
  Fake fake;
  DetectBatcher batcher({4, 5}, fake.Fn(0));
  cv::Mat image(4, 4, CV_8UC3, cv::Scalar(7, 0, 0));
  const auto start = Steady::now();
  auto r = batcher.Detect(image);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)[0].class_id, 7);
  EXPECT_LT(Steady::now() - start, std::chrono::milliseconds(100));
  EXPECT_EQ(fake.sizes, std::vector<size_t>{1});
}

TEST(DetectBatcherTest, AFailedBatchFailsEveryCallerInIt) {
  DetectBatcher batcher({4, 20}, [](const std::vector<cv::Mat>&) -> Result<std::vector<std::vector<Detection>>> {
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
  for (const auto& im : images) want.push_back((*a)->DetectPet(im, deadline));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < images.size(); ++i)
    threads.emplace_back([&, i] { got[i] = (*b)->DetectPet(images[i], deadline); });
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
