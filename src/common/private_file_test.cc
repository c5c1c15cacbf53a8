#include "common/private_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/error_codes.h"

namespace kanjian {
namespace {

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class PrivateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kanjian_pf_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    old_umask_ = ::umask(022);  // the usual umask, which alone would give 0644
  }
  void TearDown() override {
    ::umask(old_umask_);
    std::filesystem::remove_all(dir_);
  }
  std::string Path(const char* name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
  mode_t old_umask_ = 0;
};

TEST_F(PrivateFileTest, CreatesOwnerOnly) {
  const std::string path = Path("db");
  ASSERT_TRUE(RestrictToOwner(path, /*create=*/true).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
}

TEST_F(PrivateFileTest, MissingIsFineWithoutCreate) {
  EXPECT_TRUE(RestrictToOwner(Path("absent"), /*create=*/false).ok());
  EXPECT_FALSE(std::filesystem::exists(Path("absent")));
}

TEST_F(PrivateFileTest, TightensAnExistingLooserFileAndKeepsItsContents) {
  const std::string path = Path("loose");
  std::ofstream(path) << "data";
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(RestrictToOwner(path, /*create=*/false).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  auto read = ReadPrivateFile(path);
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(**read, "data");
}

TEST_F(PrivateFileTest, ReadingTightensToo) {
  const std::string path = Path("key");
  std::ofstream(path) << "k";
  ASSERT_EQ(::chmod(path.c_str(), 0664), 0);
  ASSERT_TRUE(ReadPrivateFile(path).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  auto missing = ReadPrivateFile(Path("none"));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_F(PrivateFileTest, CreateWritesWholeFileOnceOwnerOnly) {
  const std::string path = Path("new.key");
  ASSERT_TRUE(CreatePrivateFile(path, "first\n").ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  Status again = CreatePrivateFile(path, "second\n");
  EXPECT_EQ(again.code(), errc::kAlreadyExists);
  EXPECT_EQ(**ReadPrivateFile(path), "first\n");
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(PrivateFileTest, UnopenableFileIsAnErrorNamingIt) {
  Status s = RestrictToOwner(Path("no_such_dir/db"), /*create=*/true);
  EXPECT_EQ(s.code(), errc::kInternalError);
  EXPECT_NE(s.message().find("no_such_dir/db"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace kanjian
