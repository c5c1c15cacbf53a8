#include "protocol/error_messages.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "protocol/error_table.h"

namespace kanjian::protocol {
namespace {

TEST(ErrorMessagesTest, EveryCodeHasASentenceInBothLanguagesAndNoOtherCodeIsListed) {
  std::set<std::string> wires;
  for (const ErrorSpec& e : AllErrors()) {
    wires.insert(std::string(e.wire));
    EXPECT_FALSE(CodeMessage(e.wire, Language::kEnglish).empty()) << e.wire;
    EXPECT_FALSE(CodeMessage(e.wire, Language::kChinese).empty()) << e.wire;
  }
  std::ifstream in(KANJIAN_SOURCE_DIR "/console/error_messages.json");
  const auto table = nlohmann::json::parse(in);
  for (const auto& [code, texts] : table.items()) {
    EXPECT_TRUE(wires.count(code)) << code << " is not a code Kanjian answers";
    EXPECT_EQ(texts.size(), 2u) << code << " needs exactly \"en\" and \"zh\"";
  }
}

TEST(ErrorMessagesTest, LanguageTags) {
  EXPECT_EQ(ParseLanguage("zh-CN"), Language::kChinese);
  EXPECT_EQ(ParseLanguage("ZH-cn"), Language::kChinese);
  EXPECT_EQ(ParseLanguage("zh"), Language::kChinese);
  EXPECT_EQ(ParseLanguage("en-US"), Language::kEnglish);
  EXPECT_EQ(ParseLanguage(""), Language::kEnglish);
  EXPECT_EQ(ParseLanguage("zhx"), Language::kEnglish);
}

TEST(ErrorMessagesTest, ChineseKeepsTheDetailEnglishIsTheDetail) {
  const Status status(errc::kRequestSizeLimitExceeded, "request body is 9 bytes; the limit is 8");
  EXPECT_EQ(LocalizedMessage(status, Language::kEnglish),
            "request body is 9 bytes; the limit is 8");
  EXPECT_EQ(LocalizedMessage(status, Language::kChinese),
            std::string(CodeMessage("RequestSizeLimitExceeded", Language::kChinese)) +
                "（request body is 9 bytes; the limit is 8）");
  EXPECT_NE(CodeMessage("RequestSizeLimitExceeded", Language::kChinese),
            CodeMessage("RequestSizeLimitExceeded", Language::kEnglish));
}

}  // namespace
}  // namespace kanjian::protocol
