#include "server/api/image_input.h"

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/error_codes.h"

namespace kanjian::server {
namespace {

using nlohmann::json;

const protocol::ActionSpec& Pet() {
  return *protocol::FindAction("DetectPet");
}

TEST(ImageInputTest, EachBadInputHasItsCode) {
  EXPECT_EQ(ImageBytesFromParams(json::object(), Pet()).status().code(), errc::kMissingParameter);
  EXPECT_EQ(ImageBytesFromParams({{"ImageBase64", ""}}, Pet()).status().code(), errc::kEmptyImage);
  EXPECT_EQ(ImageBytesFromParams({{"ImageBase64", 5}}, Pet()).status().code(),
            errc::kInvalidParameterValue);
  EXPECT_EQ(ImageBytesFromParams({{"ImageBase64", "!!notbase64"}}, Pet()).status().code(),
            errc::kImageDecodeFailed);
  EXPECT_EQ(
      ImageBytesFromParams({{"ImageBase64", "data:image/png;base64,aGk="}}, Pet()).status().code(),
      errc::kImageDecodeFailed);
  EXPECT_EQ(ImageBytesFromParams({{"ImageUrl", "http://169.254.169.254/"}, {"ImageBase64", "aGk="}},
                                 Pet())
                .status()
                .code(),
            errc::kUrlIllegal);
  const std::string big(Pet().max_image_bytes + 4, 'A');
  EXPECT_EQ(ImageBytesFromParams({{"ImageBase64", big}}, Pet()).status().code(),
            errc::kImageSizeExceed);
}

TEST(ImageInputTest, DecodesBase64AndIgnoresAnEmptyUrl) {
  const std::string bytes = crypto::RandomBytes(300);
  auto out =
      ImageBytesFromParams({{"ImageUrl", ""}, {"ImageBase64", crypto::Base64Encode(bytes)}}, Pet());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(*out, bytes);
}

TEST(ImageInputTest, LimitsFollowTheAction) {
  const std::string two_mb(2 * 1024 * 1024, 'A');
  EXPECT_TRUE(ImageBytesFromParams({{"ImageBase64", two_mb}}, Pet()).ok());
  EXPECT_EQ(
      ImageBytesFromParams({{"ImageBase64", two_mb}}, *protocol::FindAction("DetectProductBeta"))
          .status()
          .code(),
      errc::kImageSizeExceed);
}

}  // namespace
}  // namespace kanjian::server
