#include "protocol/form_params.h"

#include <gtest/gtest.h>

#include "common/error_codes.h"

namespace kanjian::protocol {
namespace {

TEST(FormParamsTest, DecodesPercentEscapesAndPlusAsSpace) {
  auto form = DecodeForm("ImageBase64=%2F9j%2B%3D%3D&Url=a+b%20c&Name=%E4%B8%AD&Empty=&Bare");
  ASSERT_TRUE(form.ok()) << form.status().ToString();
  EXPECT_EQ(*form, (FormParams{{"ImageBase64", "/9j+=="},
                               {"Url", "a b c"},
                               {"Name", "中"},
                               {"Empty", ""},
                               {"Bare", ""}}));
}

TEST(FormParamsTest, SkipsEmptyPairsAndKeepsLiteralPlusInEscapes) {
  auto form = DecodeForm("&a=1&&b=%2B&");
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(*form, (FormParams{{"a", "1"}, {"b", "+"}}));
  EXPECT_TRUE(DecodeForm("")->empty());
  // '=' inside a value is data.
  EXPECT_EQ(DecodeForm("x=a=b")->at("x"), "a=b");
}

void ExpectRefused(std::string_view text, std::string_view why) {
  auto form = DecodeForm(text);
  ASSERT_FALSE(form.ok()) << text;
  EXPECT_EQ(form.status().code(), errc::kInvalidParameter) << text;
  EXPECT_NE(form.status().message().find(why), std::string::npos) << form.status().message();
}

TEST(FormParamsTest, RefusesDuplicatesBadEscapesAndBadUtf8) {
  ExpectRefused("Action=DetectPet&Action=DetectCar", "Action is given more than once");
  ExpectRefused("a=1&%61=2", "a is given more than once");  // the same name, encoded
  ExpectRefused("a=%zz", "two hex digits");
  ExpectRefused("a=%4", "two hex digits");
  ExpectRefused("a=%", "two hex digits");
  ExpectRefused("%=1", "two hex digits");
  ExpectRefused("=1", "empty name");
  ExpectRefused("a=%FF%FE", "not UTF-8");
  ExpectRefused("a=%C3", "not UTF-8");        // a cut sequence
  ExpectRefused("a=%ED%A0%80", "not UTF-8");  // a UTF-16 surrogate
  ExpectRefused("%C3%28=1", "not UTF-8");
  ExpectRefused(std::string(kMaxFormNameBytes + 1, 'n') + "=1", "longer than");
}

TEST(FormParamsTest, BoundsTheNumberOfPairs) {
  std::string text;
  for (size_t i = 0; i < kMaxFormParams; ++i) text += "p" + std::to_string(i) + "=1&";
  EXPECT_TRUE(DecodeForm(text).ok());
  ExpectRefused(text + "one=more", "more than 64 parameters");
}

TEST(FormParamsTest, EncodeIsTheInverse) {
  const FormParams params = {
      {"b64", "/+=="}, {"url", "http://x/a b?c=d&e"}, {"zh", "中"}, {"safe", "A-z_0.9~!*'()"}};
  EXPECT_EQ(EncodeForm({{"b64", "/+=="}, {"s", "a b"}}), "b64=%2F%2B%3D%3D&s=a%20b");
  EXPECT_EQ(*DecodeForm(EncodeForm(params)), params);
}

}  // namespace
}  // namespace kanjian::protocol
