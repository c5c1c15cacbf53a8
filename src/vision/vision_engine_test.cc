#include "vision/vision_engine.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/error_codes.h"
#include "vision/engine_test_util.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<VisionEngine> LoadEngine() {
  auto r = VisionEngine::Load({.models_dir = testing::ModelsDir()});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r.value()) : nullptr;
}

TEST(VisionEngine, MissingModelsDirNamesTheFile) {
  auto r = VisionEngine::Load({.models_dir = "/nonexistent/models"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/models/yolov5s_dyn.onnx"), std::string::npos);
}

TEST(VisionEngine, DetectPetFindsTheDog) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
  auto engine = LoadEngine();
  ASSERT_NE(engine, nullptr);
  auto pets = testing::DetectPetOn(*engine, testing::ReadFile(testing::DarknetImage("dog.jpg")),
                                   std::chrono::steady_clock::now() + 30s);
  ASSERT_TRUE(pets.ok()) << pets.status().ToString();
  ASSERT_EQ(pets->size(), 1u);
  EXPECT_EQ((*pets)[0].name, "dog");
  EXPECT_GE((*pets)[0].score, 80);
  EXPECT_LE((*pets)[0].score, 100);
  EXPECT_GT((*pets)[0].location.width, 100);
  EXPECT_EQ(engine->inference_histogram().count(), 1u);
}

TEST(VisionEngine, DetectPetFindsTheCat) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  KANJIAN_REQUIRE_FILE(testing::CatImage());
  auto engine = LoadEngine();
  ASSERT_NE(engine, nullptr);
  std::string png = testing::ReadFile(testing::CatImage());
  auto pets = testing::DetectPetOn(*engine, png, std::chrono::steady_clock::now() + 30s);
  ASSERT_TRUE(pets.ok()) << pets.status().ToString();
  ASSERT_GE(pets->size(), 1u);
  EXPECT_EQ((*pets)[0].name, "cat");
  EXPECT_GE((*pets)[0].score, 50);
  // Chelsea fills most of the 451x300 frame.
  EXPECT_GT((*pets)[0].location.width, 200);
}

TEST(VisionEngine, ConcurrentCallersShareOneSession) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
  auto engine = LoadEngine();
  ASSERT_NE(engine, nullptr);
  const std::string jpg = testing::ReadFile(testing::DarknetImage("dog.jpg"));
  // The deadline is not what this test is about: it is far from any
  // sanitizer's or loaded machine's slowdown, and each caller's failure is
  // reported by name, so a time-out reads differently from a wrong answer.
  const auto deadline = std::chrono::steady_clock::now() + 10min;
  std::array<std::string, 4> outcome;
  std::vector<std::thread> callers;
  for (size_t i = 0; i < outcome.size(); ++i) {
    callers.emplace_back([&, i] {
      auto pets = testing::DetectPetOn(*engine, jpg, deadline);
      if (!pets.ok())
        outcome[i] = pets.status().ToString();
      else if (pets->size() != 1)
        outcome[i] = std::to_string(pets->size()) + " pets";
      else
        outcome[i] = (*pets)[0].name;
    });
  }
  for (auto& t : callers) t.join();
  for (const auto& o : outcome) EXPECT_EQ(o, "dog");
  EXPECT_EQ(engine->inference_histogram().count(), 4u);
  EXPECT_EQ(engine->queue_depth(), 0u);
}

TEST(VisionEngine, ZeroQueueIsRefused) {
  auto r = VisionEngine::Load({.models_dir = testing::ModelsDir(), .queue_max = 0});
  EXPECT_EQ(r.status().code(), errc::kInvalidConfiguration);
}

TEST(VisionEngine, NoPetIsNoObjectDetected) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  auto engine = LoadEngine();
  ASSERT_NE(engine, nullptr);
  std::vector<uchar> png;
  cv::imencode(".png", cv::Mat(480, 640, CV_8UC3, cv::Scalar(30, 160, 60)), png);
  auto r = testing::DetectPetOn(*engine, std::string(png.begin(), png.end()),
                                std::chrono::steady_clock::now() + 30s);
  EXPECT_EQ(r.status().code(), errc::kNoObjectDetected);
}

TEST(VisionEngine, EagleIsNoObjectDetected) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("eagle.jpg"));
  auto engine = LoadEngine();
  ASSERT_NE(engine, nullptr);
  auto r = testing::DetectPetOn(*engine, testing::ReadFile(testing::DarknetImage("eagle.jpg")),
                                std::chrono::steady_clock::now() + 30s);
  EXPECT_EQ(r.status().code(), errc::kNoObjectDetected);
}

TEST(VisionEngine, ImageErrorsComeBackBeforeQueueing) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  auto engine = LoadEngine();
  ASSERT_NE(engine, nullptr);
  auto deadline = std::chrono::steady_clock::now() + 30s;
  EXPECT_EQ(testing::DetectPetOn(*engine, "", deadline).status().code(), errc::kEmptyImage);
  EXPECT_EQ(testing::DetectPetOn(*engine, "GIF89a......", deadline).status().code(),
            errc::kImageNotSupported);
  // The caller's limits (the action table's, in the server) are the ones applied.
  KANJIAN_REQUIRE_FILE(testing::CatImage());
  const std::string png = testing::ReadFile(testing::CatImage());
  ImageLimits jpg_only;
  jpg_only.jpg_only = true;
  EXPECT_EQ(testing::DetectPetOn(*engine, png, deadline, jpg_only).status().code(),
            errc::kImageNotSupported);
  ImageLimits tiny;
  tiny.max_bytes = png.size() - 1;
  EXPECT_EQ(testing::DetectPetOn(*engine, png, deadline, tiny).status().code(),
            errc::kImageSizeExceed);
  EXPECT_EQ(engine->inference_histogram().count(), 0u);
}

TEST(VisionEngine, PastDeadlineIsTimeout) {
  KANJIAN_REQUIRE_FILE(testing::DetectorPath());
  KANJIAN_REQUIRE_FILE(testing::DarknetImage("dog.jpg"));
  auto engine = LoadEngine();
  ASSERT_NE(engine, nullptr);
  auto r = testing::DetectPetOn(*engine, testing::ReadFile(testing::DarknetImage("dog.jpg")),
                                std::chrono::steady_clock::now() - 1ms);
  EXPECT_EQ(r.status().code(), errc::kRequestTimeout);
}

}  // namespace
}  // namespace kanjian::vision
