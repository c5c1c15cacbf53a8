#include "common/logging.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kanjian::logging {
namespace {

TEST(LoggingTest, AJsonLineIsOneParsableObject) {
  const std::string line = JsonLine(1796604800123, "info", "quote \" newline \n tab \t");
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  EXPECT_EQ(line.rfind(R"({"time":"2026-12-07T)", 0), 0u) << line;
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["time"], "2026-12-07T00:53:20.123Z");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["msg"], "quote \" newline \n tab \t");
}

TEST(LoggingTest, BytesThatAreNotUtf8AreReplacedNotFatal) {
  const std::string line = JsonLine(0, "warning", std::string("bad \xff\xfe bytes"));
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["msg"], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
  EXPECT_EQ(j["time"], "1970-01-01T00:00:00.000Z");
}

TEST(LoggingTest, UnknownLevelsAndFormatsAreRefused) {
  EXPECT_FALSE(SetLogLevel("loud").ok());
  EXPECT_TRUE(SetLogLevel("off").ok());
  EXPECT_TRUE(SetLogLevel("info").ok());
  EXPECT_FALSE(ConfigureLogging({.format = "xml"}).ok());
  EXPECT_FALSE(ConfigureLogging({.file = "/nonexistent-dir/kanjian.log"}).ok());
}

}  // namespace
}  // namespace kanjian::logging
