#include "server/api/request_params.h"

#include <gtest/gtest.h>

#include "common/error_codes.h"

namespace kanjian::server {
namespace {

TEST(ParseJsonParams, RefusesDeepNestingBeforeParsing) {
  EXPECT_EQ(ParseJsonParams(std::string(6 << 20, '[')).status().code(), errc::kInvalidParameter);
  EXPECT_EQ(ParseJsonParams(std::string(17, '[') + std::string(17, ']')).status().code(),
            errc::kInvalidParameter);
  // Brackets inside strings are not nesting.
  const std::string in_string = R"({"ImageBase64":")" + std::string(100, '[') + R"("})";
  EXPECT_TRUE(ParseJsonParams(in_string).ok());
  EXPECT_TRUE(ParseJsonParams(R"({"a":[[{"b":1}]]})").ok());
}

TEST(CheckParameterNames, EchoesAtMost64BytesOfAnUnknownName) {
  nlohmann::json params = {{std::string(5000, 'k'), 1}};
  Status s = CheckParameterNames(*protocol::FindAction("DetectPet"), params);
  EXPECT_EQ(s.code(), errc::kUnknownParameter);
  EXPECT_LT(s.message().size(), 200u);
  EXPECT_NE(s.message().find("5000 bytes"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace kanjian::server
