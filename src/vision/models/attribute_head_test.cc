#include "vision/models/attribute_head.h"

#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <random>

namespace kanjian::vision {
namespace {

TEST(AttributeHeadTest, SeparatesTwoClustersAndRoundTrips) {
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0, 0.1f);
  std::vector<std::vector<float>> x;
  std::vector<int> y;
  for (int i = 0; i < 40; ++i) {
    int label = i % 2;
    std::vector<float> v(8);
    for (int d = 0; d < 8; ++d) v[d] = noise(rng) + (d == label ? 1.f : 0.f);
    x.push_back(v);
    y.push_back(label);
  }
  auto head = FitAttributeHead("反光衣识别", {"无反光衣", "有反光衣"}, x, y, {});
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->training["train_accuracy"].get<double>(), 1.0);
  std::vector<float> probe(8, 0.f);
  probe[1] = 1.f;
  EXPECT_EQ(head->Predict(probe), 1);
  EXPECT_GT(head->Probabilities(probe)[1], 0.8f);

  auto path = (std::filesystem::temp_directory_path() / "kanjian_head_test.json").string();
  ASSERT_TRUE(head->SaveFile(path).ok());
  auto loaded = AttributeHead::LoadFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->labels, head->labels);
  EXPECT_NEAR(loaded->Probabilities(probe)[1], head->Probabilities(probe)[1], 1e-5);
}

TEST(AttributeHeadTest, RejectsALabelWithoutExamples) {
  auto head = FitAttributeHead("反光衣识别", {"无反光衣", "有反光衣"}, {{1.f, 0.f}}, {0}, {});
  ASSERT_FALSE(head.ok());
  EXPECT_NE(head.status().message().find("有反光衣"), std::string::npos);
}

TEST(AttributeHeadTest, RejectsInconsistentFile) {
  auto h = AttributeHead::FromJson({{"format", "kanjian-attribute-head/1"},
                                    {"attribute", "x"},
                                    {"dim", 3},
                                    {"labels", {"a", "b"}},
                                    {"mean", {0, 0}},
                                    {"inv_std", {1, 1, 1}},
                                    {"weights", {{0, 0, 0}, {0, 0, 0}}},
                                    {"bias", {0, 0}}},
                                   "h.json");
  EXPECT_FALSE(h.ok());
}

}  // namespace
}  // namespace kanjian::vision

// ScanLabelledFolders (attribute_training.h): label folders must be API labels.
#include <fstream>

#include "vision/attribute_training.h"

namespace kanjian::vision {
namespace {

TEST(AttributeTrainingTest, ScansLabelFoldersInApiOrderAndRejectsStrangers) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("kanjian_scan_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "有反光衣");
  fs::create_directories(dir / "无反光衣");
  std::ofstream(dir / "有反光衣" / "a.jpg") << "x";
  std::ofstream(dir / "无反光衣" / "b.png") << "x";
  std::ofstream(dir / "无反光衣" / "notes.txt") << "x";
  auto set = ScanLabelledFolders(dir.string(), "反光衣识别");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->labels, (std::vector<std::string>{"无反光衣", "有反光衣"}));
  EXPECT_EQ(set->images.size(), 2u);

  fs::create_directories(dir / "vest");
  auto bad = ScanLabelledFolders(dir.string(), "反光衣识别");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("vest"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kanjian::vision
