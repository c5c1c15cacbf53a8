#include "vision/models/embedder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgcodecs.hpp>

#include "vision/recognizers/body_test_util.h"

namespace kanjian::vision {
namespace {

using namespace testing;

std::unique_ptr<Embedder> LoadBundledEmbedder() {
  auto config = LoadModelsConfig("", ModelsDir());
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  if (!config.ok()) return nullptr;
  auto e = Embedder::Load(*config->Find("embedder"));
  EXPECT_TRUE(e.ok()) << e.status().ToString();
  return e.ok() ? std::move(e.value()) : nullptr;
}

TEST(EmbedderTest, UnitLengthAndStable) {
  KANJIAN_REQUIRE_FILE(EmbedModelPath());
  KANJIAN_REQUIRE_FILE(PersonImage());
  auto e = LoadBundledEmbedder();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->dim(), 512);
  cv::Mat img = cv::imread(PersonImage());
  auto a = e->Embed(img);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->size(), 512u);
  EXPECT_NEAR(Similarity(*a, *a), 1.0, 1e-4);
  auto b = e->Embed(img);
  ASSERT_TRUE(b.ok());
  EXPECT_NEAR(Similarity(*a, *b), 1.0, 1e-5);  // deterministic
}

TEST(EmbedderTest, SimilarCropsAreCloserThanUnrelatedOnes) {
  KANJIAN_REQUIRE_FILE(EmbedModelPath());
  KANJIAN_REQUIRE_FILE(DarknetImage("dog.jpg"));
  KANJIAN_REQUIRE_FILE(DarknetImage("eagle.jpg"));
  auto e = LoadBundledEmbedder();
  ASSERT_TRUE(e);
  cv::Mat dog = cv::imread(DarknetImage("dog.jpg"));
  cv::Mat dog_flipped, dog_dim;
  cv::flip(dog, dog_flipped, 1);
  dog.convertTo(dog_dim, -1, 0.8, 10);
  cv::Mat eagle = cv::imread(DarknetImage("eagle.jpg"));
  auto batch = e->EmbedBatch({dog, dog_flipped, dog_dim, eagle});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  const auto& v = *batch;
  EXPECT_GT(Similarity(v[0], v[1]), Similarity(v[0], v[3]));
  EXPECT_GT(Similarity(v[0], v[2]), Similarity(v[0], v[3]));
}

TEST(EmbedderTest, MissingFileIsNamed) {
  ModelSpec spec;
  spec.path = "/nonexistent/embed.onnx";
  spec.input.width = spec.input.height = 256;
  auto e = Embedder::Load(spec);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("/nonexistent/embed.onnx"), std::string::npos);
}

TEST(EmbedderTest, L2NormalizeKeepsZero) {
  std::vector<float> z(4, 0.f), v = {3, 4};
  L2Normalize(&z);
  L2Normalize(&v);
  EXPECT_EQ(z[0], 0.f);
  EXPECT_NEAR(v[0], 0.6, 1e-6);
  EXPECT_NEAR(v[1], 0.8, 1e-6);
}

}  // namespace
}  // namespace kanjian::vision
