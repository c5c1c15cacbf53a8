// The real command-line parser on argv vectors: global options, refusals
// before any command runs, the --json shapes, and flags that do not leak
// from one run into the next.
#include "cli/command_line.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

namespace kanjian::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct CliRun {
  int code;
  std::string out, err;
  json Json() const { return json::parse(out, nullptr, /*allow_exceptions=*/false); }
};

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir_template = (fs::temp_directory_path() / "kanjian_cli_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
    dir_ = dir_template;
    db_ = (dir_ / "k.db").string();
    unsetenv("KANJIAN_MASTER_KEY");
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun Cli(std::vector<std::string> args) {
    args.insert(args.begin(), "kanjian");
    std::ostringstream out, err;
    const int code = RunCommandLine(args, out, err);
    return {code, out.str(), err.str()};
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(CommandLineTest, MalformedAtIsRefusedBeforeAnyCommandRuns) {
  // One-shot commands used to fall back to the wall clock on a bad --at.
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"pack", "refund", "pack-1"},
        std::vector<std::string>{"bill", "run", "--month", "2026-09"},
        std::vector<std::string>{"account", "create", "shop"}, std::vector<std::string>{"serve"}}) {
    for (const std::string bad : {"yesterday", "2026-13-01", "2026-10-05T25:00:00+08:00", ""}) {
      std::vector<std::string> args = {"--db", db_, "--at", bad};
      args.insert(args.end(), cmd.begin(), cmd.end());
      CliRun r = Cli(args);
      EXPECT_NE(r.code, 0) << cmd[0] << " --at '" << bad << "'";
      EXPECT_NE(r.err.find("--at"), std::string::npos) << r.err;
      EXPECT_FALSE(fs::exists(db_)) << "the command ran: " << cmd[0] << " " << cmd[1 % cmd.size()];
    }
  }
}

TEST_F(CommandLineTest, MalformedAtUnderJsonIsAnErrorObject) {
  // After the subcommand too (global options are accepted there).
  CliRun r =
      Cli({"--db", db_, "--json", "bill", "run", "--month", "2026-09", "--at", "10/05/2026"});
  EXPECT_NE(r.code, 0);
  const json j = r.Json();
  ASSERT_TRUE(j.contains("Error")) << r.out;
  EXPECT_EQ(j["Error"]["Code"], "InvalidParameterValue");
  EXPECT_NE(j["Error"]["Message"].get<std::string>().find("--at"), std::string::npos);
  EXPECT_FALSE(fs::exists(db_));
}

TEST_F(CommandLineTest, AtSetsTheInstantOfAOneShotCommand) {
  CliRun created = Cli(
      {"--db", db_, "--json", "--at", "2026-10-05T10:00:00+08:00", "account", "create", "shop"});
  ASSERT_EQ(created.code, 0) << created.err << created.out;
  const json c = created.Json();
  EXPECT_EQ(c.size(), 3u);
  for (const char* field : {"AccountId", "SecretId", "SecretKey"})
    EXPECT_TRUE(c.contains(field) && c[field].is_string()) << field;
  // Options after the subcommand; a bare date is midnight Asia/Shanghai.
  CliRun shown = Cli({"account", "show", "shop", "--json", "--db", db_, "--at", "2026-10-06"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  const json s = shown.Json();
  EXPECT_EQ(s["AccountId"], c["AccountId"]);
  EXPECT_EQ(s["Name"], "shop");
  EXPECT_EQ(s["CreatedAt"], "2026-10-05T10:00:00+08:00");
}

TEST_F(CommandLineTest, UnknownFlagIsRefused) {
  CliRun text = Cli({"--db", db_, "audit", "--no-such-flag"});
  EXPECT_NE(text.code, 0);
  EXPECT_NE(text.err.find("--no-such-flag"), std::string::npos) << text.err;
  EXPECT_TRUE(text.out.empty());

  CliRun j = Cli({"--db", db_, "--json", "pack", "list", "shop", "--bogus", "1"});
  EXPECT_NE(j.code, 0);
  EXPECT_EQ(j.Json()["Error"]["Code"], "UnknownParameter") << j.out;
  EXPECT_FALSE(fs::exists(db_));
}

TEST_F(CommandLineTest, MissingValuesAreRefused) {
  CliRun no_arg = Cli({"--db", db_, "--json", "pack", "refund"});
  EXPECT_NE(no_arg.code, 0);
  EXPECT_EQ(no_arg.Json()["Error"]["Code"], "MissingParameter") << no_arg.out;

  CliRun no_value = Cli({"--db", db_, "--json", "bill", "run", "--month"});
  EXPECT_NE(no_value.code, 0);
  EXPECT_EQ(no_value.Json()["Error"]["Code"], "MissingParameter") << no_value.out;

  CliRun no_subcommand = Cli({"--db", db_, "account"});
  EXPECT_NE(no_subcommand.code, 0);
  EXPECT_FALSE(fs::exists(db_));
}

TEST_F(CommandLineTest, BadValueOfATypedFlagIsRefused) {
  CliRun r = Cli(
      {"--db", db_, "--json", "pack", "grant", "shop", "--action", "DetectPet", "--calls", "many"});
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.Json()["Error"]["Code"], "InvalidParameterValue") << r.out;
}

TEST_F(CommandLineTest, CommandErrorsAreJsonWithExitCodeOne) {
  CliRun r = Cli({"--db", db_, "--json", "account", "show", "nobody"});
  EXPECT_EQ(r.code, 1);
  const json j = r.Json();
  ASSERT_EQ(j.size(), 1u) << r.out;
  EXPECT_EQ(j["Error"]["Code"], "ResourceNotFound");
  EXPECT_TRUE(j["Error"]["Message"].is_string());

  CliRun text = Cli({"--db", db_, "account", "show", "nobody"});
  EXPECT_EQ(text.code, 1);
  EXPECT_EQ(text.err.rfind("error: ResourceNotFound: ", 0), 0u) << text.err;
}

// Flags live as long as one parse: a value given to one run does not
// become the default of the next (they were function-local statics).
TEST_F(CommandLineTest, FlagsDoNotLeakBetweenRuns) {
  ASSERT_EQ(Cli({"--db", db_, "account", "create", "shop"}).code, 0);
  CliRun gift =
      Cli({"--db", db_, "--json", "account", "recharge", "shop", "10", "--source", "gift"});
  ASSERT_EQ(gift.code, 0) << gift.out << gift.err;
  CliRun cash = Cli({"--db", db_, "--json", "account", "recharge", "shop", "5"});
  ASSERT_EQ(cash.code, 0) << cash.out << cash.err;
  const json b = cash.Json()["Balance"];
  EXPECT_EQ(b["Cash"], "5.00");
  EXPECT_EQ(b["Gift"], "10.00");
  EXPECT_EQ(b["Total"], "15.00");
}

TEST_F(CommandLineTest, HelpExitsZero) {
  CliRun r = Cli({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("--at"), std::string::npos);
}

}  // namespace
}  // namespace kanjian::cli
