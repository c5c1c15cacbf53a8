// Settings precedence (flag > environment > file > default) and each
// refusal, on serve's real flags (serve_flags.h), then the same through the
// real command line: config check, --config, --version.
#include "cli/settings.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/command_line.h"
#include "cli/serve_flags.h"
#include "common/build_info.h"
#include "common/error_codes.h"

namespace kanjian::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Resolved {
  Status status;
  std::map<std::string, ResolvedSetting> by_key;
  ServeFlags flags;
};

// Parses `args` as serve's command line, then resolves with `env` and the
// file `toml` (none when empty).
Resolved Resolve(std::vector<std::string> args, std::map<std::string, std::string> env,
                 const std::string& toml) {
  Resolved r;
  CLI::App serve;
  AddServeFlags(serve, r.flags);
  std::reverse(args.begin(), args.end());
  serve.parse(args);
  std::shared_ptr<const ConfigFile> file;
  if (!toml.empty()) {
    auto parsed = ConfigFile::Parse(toml, "/etc/kanjian/kanjian.toml");
    if (!parsed.ok()) {
      r.status = parsed.status();
      return r;
    }
    file = *parsed;
  }
  auto settings = ResolveSettings(serve, file.get(),
                                  [&](const std::string& name) -> std::optional<std::string> {
                                    auto it = env.find(name);
                                    if (it == env.end()) return std::nullopt;
                                    return it->second;
                                  },
                                  {"db"});
  if (!settings.ok()) {
    r.status = settings.status();
    return r;
  }
  for (auto& s : *settings) r.by_key[s.key] = s;
  return r;
}

TEST(SettingsTest, FlagBeatsEnvironmentBeatsFileBeatsDefault) {
  const std::string toml =
      "listen = \"0.0.0.0:9000\"\n"
      "workers = 3\n"
      "batch-max = 4\n"
      "replay-protection = true\n";
  Resolved r = Resolve({"--listen", "10.0.0.1:1"},
                       {{"KANJIAN_LISTEN", "10.0.0.2:2"}, {"KANJIAN_WORKERS", "5"}}, toml);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.flags.listen, "10.0.0.1:1");
  EXPECT_EQ(r.by_key["listen"].source, "flag");
  EXPECT_EQ(r.flags.workers, 5);
  EXPECT_EQ(r.by_key["workers"].source, "env");
  EXPECT_EQ(r.by_key["workers"].where, "KANJIAN_WORKERS");
  EXPECT_EQ(r.flags.batch_max, 4);
  EXPECT_EQ(r.by_key["batch-max"].source, "file");
  EXPECT_EQ(r.by_key["batch-max"].where, "/etc/kanjian/kanjian.toml:3");
  EXPECT_TRUE(r.flags.replay_protection);
  EXPECT_EQ(r.by_key["replay-protection"].values, std::vector<std::string>{"true"});
  EXPECT_EQ(r.flags.request_timeout_ms, server::ApiOptions{}.request_timeout_ms);
  EXPECT_EQ(r.by_key["request-timeout-ms"].source, "default");
  EXPECT_EQ(r.by_key["request-timeout-ms"].values,
            std::vector<std::string>{std::to_string(server::ApiOptions{}.request_timeout_ms)});
}

TEST(SettingsTest, RepeatableFlagsTakeArraysTablesAndCommaLists) {
  Resolved r = Resolve({}, {{"KANJIAN_IMAGE_URL_ALLOW", "a.example,.b.example"}},
                       "[qps]\nDetectPet = 5\nRecognizeCar = 7\n");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.flags.image_url_allow, (std::vector<std::string>{"a.example", ".b.example"}));
  EXPECT_EQ(r.flags.qps, (std::vector<std::string>{"DetectPet=5", "RecognizeCar=7"}));
  EXPECT_EQ(r.by_key["qps"].where, "/etc/kanjian/kanjian.toml:1");
  Resolved array = Resolve({}, {}, "qps = [\"DetectPet=2\"]\nimage-url-allow = [\"*\"]\n");
  ASSERT_TRUE(array.status.ok()) << array.status.message();
  EXPECT_EQ(array.flags.qps, std::vector<std::string>{"DetectPet=2"});
  // A flag replaces the file's list rather than adding to it.
  Resolved flag = Resolve({"--qps", "DetectPet=9"}, {}, "[qps]\nDetectPet = 5\n");
  EXPECT_EQ(flag.flags.qps, std::vector<std::string>{"DetectPet=9"});
}

void ExpectRefused(const Resolved& r, const std::string& text) {
  EXPECT_EQ(r.status.code(), errc::kInvalidConfiguration) << r.status.message();
  EXPECT_NE(r.status.message().find(text), std::string::npos) << r.status.message();
}

TEST(SettingsTest, EachRefusalNamesTheFileLineAndKey) {
  ExpectRefused(Resolve({}, {}, "workers = 2\n\nlisten-on = \"x\"\n"),
                "/etc/kanjian/kanjian.toml:3: unknown key 'listen-on'");
  ExpectRefused(Resolve({}, {}, "\nworkers = \"two\"\n"),
                "/etc/kanjian/kanjian.toml:2: 'workers' must be an integer, not a string");
  ExpectRefused(Resolve({}, {}, "listen = 8080\n"),
                "/etc/kanjian/kanjian.toml:1: 'listen' must be a string, not an integer");
  ExpectRefused(Resolve({}, {}, "replay-protection = \"yes\"\n"),
                "/etc/kanjian/kanjian.toml:1: 'replay-protection' must be a boolean");
  ExpectRefused(Resolve({}, {}, "image-url-allow = \"a.com\"\n"),
                "'image-url-allow' must be an array of strings, not a string");
  ExpectRefused(Resolve({}, {}, "[qps]\nDetectPet = \"5\"\n"),
                "/etc/kanjian/kanjian.toml:2: 'qps.DetectPet' must be an integer");
  // The flag's own checks apply to the file's value.
  ExpectRefused(Resolve({}, {}, "batch-max = 99\n"), "/etc/kanjian/kanjian.toml:1: 'batch-max'");
  ExpectRefused(Resolve({}, {}, "log-format = \"xml\"\n"),
                "/etc/kanjian/kanjian.toml:1: 'log-format'");
  // ... and to the environment's.
  ExpectRefused(Resolve({}, {{"KANJIAN_WORKERS", "many"}}, ""), "KANJIAN_WORKERS: 'workers'");
  // A syntax error: the line it is on.
  ExpectRefused(Resolve({}, {}, "workers = 1\nlisten = \n"), "/etc/kanjian/kanjian.toml:2:");
  // db is read elsewhere, so it is a known key here.
  EXPECT_TRUE(Resolve({}, {}, "db = \"k.db\"\n").status.ok());
}

TEST(SettingsTest, OnlyQpsAndLogLevelChangeLive) {
  EXPECT_TRUE(IsLiveSetting("qps"));
  EXPECT_TRUE(IsLiveSetting("log-level"));
  for (const char* key : {"listen", "workers", "models", "models-config", "db", "redis"})
    EXPECT_FALSE(IsLiveSetting(key)) << key;
}

TEST(SettingsTest, SecretsAreRedacted) {
  EXPECT_EQ(RedactSecrets("redis://:hunter2@10.0.0.1:6379/0"), "redis://:***@10.0.0.1:6379/0");
  EXPECT_EQ(RedactSecrets("postgresql://kanjian:pw@db/kanjian?sslmode=require&password=x"),
            "postgresql://kanjian:***@db/kanjian?sslmode=require&password=***");
  EXPECT_EQ(RedactSecrets("postgresql://kanjian@db/kanjian"), "postgresql://kanjian@db/kanjian");
  EXPECT_EQ(RedactSecrets("/var/lib/kanjian/kanjian.db"), "/var/lib/kanjian/kanjian.db");
}

TEST(SettingsTest, EveryServeFlagIsAKeyOfTheExampleConfig) {
  // config/kanjian.toml documents every key: each flag's key appears in it.
  std::ifstream in(KANJIAN_SOURCE_DIR "/config/kanjian.toml");
  ASSERT_TRUE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CLI::App serve;
  ServeFlags flags;
  AddServeFlags(serve, flags);
  for (const CLI::Option* option : serve.get_options()) {
    if (option->get_lnames().empty() || option->get_lnames().front() == "help") continue;
    const std::string key = option->get_lnames().front();
    EXPECT_TRUE(text.find("# " + key + " = ") != std::string::npos ||
                text.find("# [" + key + "]") != std::string::npos)
        << key << " is missing from config/kanjian.toml";
  }
  // And with its comment marks removed it is a valid config file.
  std::string uncommented;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# ") && line.find(" = ") != std::string::npos) line = line.substr(2);
    if (line.starts_with("# [")) line = line.substr(2);
    uncommented += line + "\n";
  }
  auto parsed = ConfigFile::Parse(uncommented, "kanjian.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  Resolved r = Resolve({}, {}, uncommented);
  EXPECT_TRUE(r.status.ok()) << r.status.message();
}

class ConfigCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir_template = (fs::temp_directory_path() / "kanjian_config_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(dir_template.data()), nullptr);
    dir_ = dir_template;
    config_ = (dir_ / "kanjian.toml").string();
    unsetenv("KANJIAN_CONFIG");
    unsetenv("KANJIAN_DB");
    unsetenv("KANJIAN_WORKERS");
  }
  void TearDown() override {
    unsetenv("KANJIAN_CONFIG");
    unsetenv("KANJIAN_DB");
    unsetenv("KANJIAN_WORKERS");
    fs::remove_all(dir_);
  }
  void Write(const std::string& text) { std::ofstream(config_) << text; }
  std::pair<int, std::string> Cli(std::vector<std::string> args) {
    args.insert(args.begin(), "kanjian");
    std::ostringstream out, err;
    const int code = RunCommandLine(args, out, err);
    return {code, out.str() + err.str()};
  }
  fs::path dir_;
  std::string config_;
};

TEST_F(ConfigCommandTest, CheckShowsEachSourceAndRedactsSecrets) {
  Write("db = \"" + (dir_ / "from-file.db").string() +
        "\"\nworkers = 3\nredis = \"redis://:hunter2@127.0.0.1:1\"\nlisten = \"0.0.0.0:1\"\n");
  setenv("KANJIAN_WORKERS", "6", 1);
  auto [code, out] =
      Cli({"--json", "--config", config_, "config", "check", "--listen", "127.0.0.1:9"});
  ASSERT_EQ(code, 0) << out;
  const json j = json::parse(out);
  std::map<std::string, json> by_key;
  for (const auto& s : j["Settings"]) by_key[s["Key"]] = s;
  EXPECT_EQ(j["ConfigFile"], config_);
  EXPECT_EQ(by_key["db"]["Source"], "file");
  EXPECT_EQ(by_key["db"]["Where"], config_ + ":1");
  EXPECT_EQ(by_key["listen"]["Value"], "127.0.0.1:9");
  EXPECT_EQ(by_key["listen"]["Source"], "flag");
  EXPECT_EQ(by_key["workers"]["Value"], "6");
  EXPECT_EQ(by_key["workers"]["Where"], "KANJIAN_WORKERS");
  EXPECT_EQ(by_key["redis"]["Value"], "redis://:***@127.0.0.1:1");
  EXPECT_EQ(out.find("hunter2"), std::string::npos);
  EXPECT_EQ(by_key["log-level"]["Source"], "default");
  // The environment names the file too; --db and KANJIAN_DB beat its db.
  setenv("KANJIAN_CONFIG", config_.c_str(), 1);
  setenv("KANJIAN_DB", "env.db", 1);
  auto [code2, out2] = Cli({"--json", "config", "check"});
  ASSERT_EQ(code2, 0) << out2;
  EXPECT_NE(out2.find(R"({"Key":"db","Source":"env","Value":"env.db","Where":"KANJIAN_DB"})"),
            std::string::npos)
      << out2;
  auto [code3, out3] = Cli({"--json", "--db", "flag.db", "config", "check"});
  EXPECT_NE(out3.find(R"({"Key":"db","Source":"flag","Value":"flag.db","Where":""})"),
            std::string::npos)
      << out3;
}

TEST_F(ConfigCommandTest, ABadFileStopsEveryCommandBeforeItRuns) {
  Write("workers = 2\ncolour = \"blue\"\n");
  const std::string db = (dir_ / "k.db").string();
  for (const std::vector<std::string>& cmd :
       {std::vector<std::string>{"config", "check"}, std::vector<std::string>{"serve"},
        std::vector<std::string>{"account", "create", "shop"}}) {
    std::vector<std::string> args = {"--json", "--db", db, "--config", config_};
    args.insert(args.end(), cmd.begin(), cmd.end());
    auto [code, out] = Cli(args);
    EXPECT_NE(code, 0) << out;
    EXPECT_EQ(json::parse(out)["Error"]["Code"], "InvalidConfiguration") << out;
    EXPECT_NE(out.find(config_ + ":2: unknown key 'colour'"), std::string::npos) << out;
  }
  EXPECT_FALSE(fs::exists(db));
  auto [code, out] = Cli({"--config", (dir_ / "missing.toml").string(), "config", "check"});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("missing.toml: cannot read the config file"), std::string::npos) << out;
}

TEST_F(ConfigCommandTest, VersionAndHelpNameTheProgram) {
  auto [code, out] = Cli({"--version"});
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out, "kanjian " + std::string(BuildVersion()) + " (commit " +
                     std::string(BuildCommit()) + ")\n");
  auto [help_code, help] = Cli({"--help"});
  EXPECT_EQ(help_code, 0);
  EXPECT_NE(help.find("Usage: kanjian [OPTIONS] SUBCOMMAND"), std::string::npos) << help;
  // With a database: its schema version beside the binary's.
  const std::string db = (dir_ / "k.db").string();
  ASSERT_EQ(Cli({"--db", db, "account", "create", "shop"}).first, 0);
  auto [db_code, db_out] = Cli({"--json", "--version", "--db", db});
  ASSERT_EQ(db_code, 0) << db_out;
  const json j = json::parse(db_out);
  EXPECT_EQ(j["Version"], BuildVersion());
  EXPECT_EQ(j["SchemaVersion"]["Database"], j["SchemaVersion"]["Binary"]);
  EXPECT_GE(j["SchemaVersion"]["Database"].get<int>(), 6);
}

}  // namespace
}  // namespace kanjian::cli
