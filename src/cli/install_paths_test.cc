// Finding the console and the models from a build tree, an installed
// prefix, a copied binary, and explicit flags, on real directories.
#include "cli/install_paths.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

namespace kanjian::cli {
namespace {

namespace fs = std::filesystem;

class InstallPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir_template = (fs::temp_directory_path() / "kanjian_paths_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
    root_ = dir_template;
  }
  void TearDown() override { fs::remove_all(root_); }

  // Creates root_/rel (and its parents) as a file.
  void Touch(const std::string& rel) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << "x";
  }
  PathInputs Inputs(const std::string& exe_rel) {
    PathInputs in;
    in.exe = root_ / exe_rel;
    in.cache_dir = (root_ / "home/.cache/kanjian").string();
    in.installed_data_dir = (root_ / "usr/share/kanjian").string();
    return in;
  }
  std::string At(const std::string& rel) { return (root_ / rel).string(); }

  fs::path root_;
};

TEST_F(InstallPathsTest, BuildTreeFindsTheCheckoutsConsoleAndTheCachedModels) {
  Touch("src/console/index.html");
  Touch("src/build/kanjian");
  Touch("home/.cache/kanjian/models/yolov5s_dyn.onnx");
  Touch("usr/share/kanjian/console/index.html");
  Touch("usr/share/kanjian/models/yolov5s_dyn.onnx");
  const auto in = Inputs("src/build/kanjian");
  const FoundDir console = FindConsoleDir(in);
  EXPECT_TRUE(console.found);
  EXPECT_EQ(console.path, At("src/console"));
  EXPECT_EQ(console.source, "build tree");
  const FoundDir models = FindModelsDir(in);
  EXPECT_TRUE(models.found);
  EXPECT_EQ(models.path, At("home/.cache/kanjian/models"));
  EXPECT_EQ(models.source, "cache");
}

TEST_F(InstallPathsTest, InstalledBinaryUsesItsPrefixsShareEvenWithACache) {
  Touch("usr/bin/kanjian");
  Touch("usr/share/kanjian/console/index.html");
  Touch("usr/share/kanjian/models/yolov5s_dyn.onnx");
  Touch("home/.cache/kanjian/models/yolov5s_dyn.onnx");
  const auto in = Inputs("usr/bin/kanjian");
  EXPECT_EQ(FindConsoleDir(in).path, At("usr/share/kanjian/console"));
  const FoundDir models = FindModelsDir(in);
  EXPECT_EQ(models.path, At("usr/share/kanjian/models"));
  EXPECT_EQ(models.source, "installed beside the binary");
}

TEST_F(InstallPathsTest, CopiedBinaryFallsBackToTheInstalledData) {
  Touch("opt/tools/kanjian");
  Touch("usr/share/kanjian/console/index.html");
  Touch("usr/share/kanjian/models/yolov5s_dyn.onnx");
  const auto in = Inputs("opt/tools/kanjian");
  const FoundDir console = FindConsoleDir(in);
  EXPECT_TRUE(console.found);
  EXPECT_EQ(console.path, At("usr/share/kanjian/console"));
  EXPECT_EQ(console.source, "installed");
  EXPECT_EQ(console.tried.size(), 3u);
  const FoundDir models = FindModelsDir(in);
  EXPECT_TRUE(models.found);
  EXPECT_EQ(models.path, At("usr/share/kanjian/models"));
}

TEST_F(InstallPathsTest, AnEmptyDirectoryDoesNotShadowAFullOne) {
  fs::create_directories(root_ / "opt/console");                 // no index.html
  fs::create_directories(root_ / "home/.cache/kanjian/models");  // no detector
  Touch("opt/bin/kanjian");
  Touch("usr/share/kanjian/console/index.html");
  Touch("usr/share/kanjian/models/yolov5s_dyn.onnx");
  const auto in = Inputs("opt/bin/kanjian");
  EXPECT_EQ(FindConsoleDir(in).path, At("usr/share/kanjian/console"));
  EXPECT_EQ(FindModelsDir(in).path, At("usr/share/kanjian/models"));
}

TEST_F(InstallPathsTest, NothingFoundSaysSoAndListsEveryPlaceTried) {
  Touch("opt/bin/kanjian");
  const auto in = Inputs("opt/bin/kanjian");
  const FoundDir console = FindConsoleDir(in);
  EXPECT_FALSE(console.found);
  EXPECT_EQ(console.path, At("usr/share/kanjian/console"));
  EXPECT_EQ(console.tried,
            (std::vector<std::string>{At("opt/console"), At("opt/share/kanjian/console"),
                                      At("usr/share/kanjian/console")}));
  EXPECT_FALSE(FindModelsDir(in).found);
}

TEST_F(InstallPathsTest, FlagBeatsEnvironmentBeatsDiscoveryAndIsKeptEvenIfEmpty) {
  Touch("src/console/index.html");
  Touch("src/build/kanjian");
  auto in = Inputs("src/build/kanjian");
  in.env = At("from_env");
  FoundDir console = FindConsoleDir(in);
  EXPECT_EQ(console.path, At("from_env"));
  EXPECT_EQ(console.source, "$KANJIAN_CONSOLE_DIR");
  EXPECT_FALSE(console.found);
  in.flag = At("from_flag");
  console = FindConsoleDir(in);
  EXPECT_EQ(console.path, At("from_flag"));
  EXPECT_EQ(console.source, "--console-dir");
  in.flag.clear();
  in.env = At("models_env");
  EXPECT_EQ(FindModelsDir(in).source, "$KANJIAN_MODELS");
}

TEST_F(InstallPathsTest, EchartsBesideTheConsoleElseFromTheCache) {
  const std::string cache = At("cache");
  EXPECT_EQ(FindEchartsFile(At("console"), cache), At("cache/console/echarts.min.js"));
  Touch("console/vendor/echarts.min.js");
  EXPECT_EQ(FindEchartsFile(At("console"), cache), At("console/vendor/echarts.min.js"));
}

}  // namespace
}  // namespace kanjian::cli
