#include "vision/registry/model_set_hash.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace kanjian::vision {
namespace {

namespace fs = std::filesystem;

// A set of one "model" (any file: the hash reads bytes, never ONNX) in `dir`.
ModelsConfig OneModelIn(const fs::path& dir, const std::string& bytes, double threshold) {
  fs::create_directories(dir);
  std::ofstream(dir / "detector.onnx", std::ios::binary) << bytes;
  ModelsConfig config;
  config.source = (dir / "models.json").string();
  ModelSpec spec;
  spec.task = "object_detector";
  spec.path = (dir / "detector.onnx").string();
  spec.raw = {{"file", "detector.onnx"}, {"score_threshold", threshold}};
  config.tasks.emplace(spec.task, spec);
  return config;
}

TEST(ModelSetHashTest, SameBytesAnywhereHashTheSameAndAnyChangeShows) {
  const fs::path root =
      fs::temp_directory_path() / ("kanjian_set_hash_" + std::to_string(getpid()));
  auto a = ModelSetHash(OneModelIn(root / "a", "weights v1", 0.25), {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->size(), 64u);
  // The same file in another directory (another machine's models dir).
  EXPECT_EQ(*ModelSetHash(OneModelIn(root / "b", "weights v1", 0.25), {}), *a);
  // A model replaced in place, a changed threshold.
  EXPECT_NE(*ModelSetHash(OneModelIn(root / "c", "weights v2", 0.25), {}), *a);
  EXPECT_NE(*ModelSetHash(OneModelIn(root / "d", "weights v1", 0.30), {}), *a);
  // Every file of the OCR directory counts.
  fs::create_directories(root / "ocr");
  std::ofstream(root / "ocr" / "keys.txt") << "a\nb\n";
  ExtraModelDirs extra{(root / "ocr").string(), ""};
  auto with_ocr = ModelSetHash(OneModelIn(root / "a", "weights v1", 0.25), extra);
  ASSERT_TRUE(with_ocr.ok());
  EXPECT_NE(*with_ocr, *a);
  std::ofstream(root / "ocr" / "keys.txt") << "a\nc\n";
  EXPECT_NE(*ModelSetHash(OneModelIn(root / "a", "weights v1", 0.25), extra), *with_ocr);
  // A file that cannot be read is named.
  ModelsConfig gone = OneModelIn(root / "e", "x", 0.25);
  fs::remove(root / "e" / "detector.onnx");
  auto missing = ModelSetHash(gone, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("detector.onnx"), std::string::npos);
  fs::remove_all(root);
}

}  // namespace
}  // namespace kanjian::vision
