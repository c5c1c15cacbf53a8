#include "protocol/sign_v1.h"

#include <gtest/gtest.h>

#include "common/crypto.h"
#include "common/error_codes.h"

namespace kanjian::protocol {
namespace {

// Computed by the official Node SDK 3.0.270's own code: tests/blackbox/sign_v1_kat.js.
struct Kat {
  const char* label;
  const char* http_method;
  const char* host;  // the endpoint the SDK was given
  const char* secret_key;
  const char* wire;  // form body / query string as the SDK sends it
  const char* string_to_sign;
  const char* signature;
};
constexpr int64_t kSignedAt = 1700000000;
const Kat kKats[] = {
    {"sha256 post", "POST", "127.0.0.1:8080", "kat-secret-key-0123456789abcdef",
     "ImageBase64=%2F9j%2F4AAQ%2BSkZJRg%3D%3D&NeedLemma=1&Action=DetectProductBeta&RequestClient="
     "SDK_NODEJS_3.0.270&Nonce=32768&Timestamp=1700000000&Version=2019-05-29&Language=en-US&"
     "SecretId=AKIDkatExample&Region=ap-guangzhou&SignatureMethod=HmacSHA256&Signature="
     "NFr2AcTSk0sRWXsAzS9djGJVczsWkO4D%2BB7nzPL%2Bxm0%3D",
     "POST127.0.0.1:8080/?Action=DetectProductBeta&ImageBase64=/9j/"
     "4AAQ+SkZJRg==&Language=en-US&NeedLemma=1&Nonce=32768&Region=ap-guangzhou&RequestClient=SDK_"
     "NODEJS_3.0.270&SecretId=AKIDkatExample&SignatureMethod=HmacSHA256&Timestamp=1700000000&"
     "Version=2019-05-29",
     "NFr2AcTSk0sRWXsAzS9djGJVczsWkO4D+B7nzPL+xm0="},
    {"sha1 get", "GET", "tiia.tencentcloudapi.com", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA",
     "ImageUrl=https%3A%2F%2Fexample.com%2Fa%20b.jpg%3Fx%3D1%26y%3D%E4%B8%AD&EnableDetect=false&"
     "EnablePreferred=true&Action=DetectChefDress&RequestClient=SDK_NODEJS_3.0.270&Nonce=32768&"
     "Timestamp=1700000000&Version=2019-05-29&Language=en-US&SecretId=AKIDkatExample&Region=ap-"
     "guangzhou&SignatureMethod=HmacSHA1&Signature=%2BHE%2FS7B2UgtJGdVejOcL6rtTSeY%3D",
     "GETtiia.tencentcloudapi.com/"
     "?Action=DetectChefDress&EnableDetect=false&EnablePreferred=true&ImageUrl=https://example.com/"
     "a "
     "b.jpg?x=1&y=中&Language=en-US&Nonce=32768&Region=ap-guangzhou&RequestClient=SDK_NODEJS_3.0."
     "270&SecretId=AKIDkatExample&SignatureMethod=HmacSHA1&Timestamp=1700000000&Version=2019-05-29",
     "+HE/S7B2UgtJGdVejOcL6rtTSeY="},
    {"sha1 post", "POST", "127.0.0.1:8080", "kat-secret-key-0123456789abcdef",
     "ImageBase64=aGVsbG8gd29ybGQ%3D&Action=DetectPet&RequestClient=SDK_NODEJS_3.0.270&Nonce=32768&"
     "Timestamp=1700000000&Version=2019-05-29&Language=en-US&SecretId=AKIDkatExample&Region=ap-"
     "guangzhou&SignatureMethod=HmacSHA1&Signature=gsZHLFIqls6NMLO3o4JYfMPjW0c%3D",
     "POST127.0.0.1:8080/"
     "?Action=DetectPet&ImageBase64=aGVsbG8gd29ybGQ=&Language=en-US&Nonce=32768&Region=ap-"
     "guangzhou&RequestClient=SDK_NODEJS_3.0.270&SecretId=AKIDkatExample&SignatureMethod=HmacSHA1&"
     "Timestamp=1700000000&Version=2019-05-29",
     "gsZHLFIqls6NMLO3o4JYfMPjW0c="},
    {"implied sha1 get", "GET", "127.0.0.1:8080", "kat-secret-key-0123456789abcdef",
     "Action=DetectPet&Version=2019-05-29&Nonce=7&Timestamp=1700000000&SecretId=AKIDkatExample&"
     "ImageUrl=http%3A%2F%2Fx%2Fy.jpg&Signature=%2B9Ag0jrIMSqykYPa00ezZZiourk%3D",
     "GET127.0.0.1:8080/?Action=DetectPet&ImageUrl=http://x/"
     "y.jpg&Nonce=7&SecretId=AKIDkatExample&Timestamp=1700000000&Version=2019-05-29",
     "+9Ag0jrIMSqykYPa00ezZZiourk="},
};

SecretLookup KeyFor(std::string secret_key) {
  return [secret_key](const std::string& id) -> Result<std::string> {
    if (id != "AKIDkatExample") return Status(errc::kSecretIdNotFound, "no such SecretId");
    return secret_key;
  };
}

FormParams Decoded(std::string_view wire) {
  auto form = DecodeForm(wire);
  EXPECT_TRUE(form.ok()) << form.status().ToString();
  return form.ok() ? *form : FormParams{};
}

TEST(SignV1Test, MatchesTheOfficialSdk) {
  for (const Kat& kat : kKats) {
    SCOPED_TRACE(kat.label);
    const FormParams form = Decoded(kat.wire);
    EXPECT_EQ(V1StringToSign(kat.http_method, kat.host, form), kat.string_to_sign);
    const V1Method method =
        form.count("SignatureMethod") && form.at("SignatureMethod") == "HmacSHA256"
            ? V1Method::kHmacSha256
            : V1Method::kHmacSha1;
    EXPECT_EQ(V1Signature(kat.secret_key, method, kat.string_to_sign), kat.signature);
    auto caller =
        VerifyV1(kat.http_method, kat.host, form, kSignedAt + 299, KeyFor(kat.secret_key));
    ASSERT_TRUE(caller.ok()) << caller.status().ToString();
    EXPECT_EQ(caller->secret_id, "AKIDkatExample");
    EXPECT_EQ(caller->signature, kat.signature);
    EXPECT_EQ(caller->timestamp, kSignedAt);
  }
}

TEST(SignV1Test, ClientSigningRoundTripsAndMatchesTheSdk) {
  const Kat& kat = kKats[0];
  FormParams form = Decoded(kat.wire);
  form.erase("Signature");
  SignV1(&form, kat.http_method, kat.host, kat.secret_key, V1Method::kHmacSha256);
  EXPECT_EQ(form.at("Signature"), kat.signature);
  EXPECT_EQ(Decoded(EncodeForm(form)), form);
}

// The endpoint's port is signed by the Node SDK; a client given a bare host
// name behind a proxy signs without it. Both verify against "host:port".
TEST(SignV1Test, HostWithOrWithoutPort) {
  FormParams form = Decoded(kKats[2].wire);
  SignV1(&form, "POST", "127.0.0.1", kKats[2].secret_key, V1Method::kHmacSha1);
  EXPECT_TRUE(
      VerifyV1("POST", "127.0.0.1:8080", form, kSignedAt, KeyFor(kKats[2].secret_key)).ok());
  EXPECT_TRUE(VerifyV1("POST", "127.0.0.1", form, kSignedAt, KeyFor(kKats[2].secret_key)).ok());
  const auto other =
      VerifyV1("POST", "127.0.0.2:8080", form, kSignedAt, KeyFor(kKats[2].secret_key));
  EXPECT_EQ(other.status().code(), errc::kSignatureFailure);
}

Status VerifyKat(const FormParams& form, int64_t now = kSignedAt, std::string_view method = "POST",
                 std::string key = kKats[0].secret_key) {
  return VerifyV1(method, kKats[0].host, form, now, KeyFor(std::move(key))).status();
}

TEST(SignV1Test, RefusesWhatIsNotTheSignedRequest) {
  const FormParams signed_form = Decoded(kKats[0].wire);
  EXPECT_TRUE(VerifyKat(signed_form).ok());
  // Another method, another key, a changed or an added parameter.
  EXPECT_EQ(VerifyKat(signed_form, kSignedAt, "GET").code(), errc::kSignatureFailure);
  EXPECT_EQ(VerifyKat(signed_form, kSignedAt, "POST", "another-key").code(),
            errc::kSignatureFailure);
  FormParams changed = signed_form;
  changed["NeedLemma"] = "0";
  EXPECT_EQ(VerifyKat(changed).code(), errc::kSignatureFailure);
  FormParams added = signed_form;
  added["ImageUrl"] = "http://x/";
  EXPECT_EQ(VerifyKat(added).code(), errc::kSignatureFailure);
  // The method is part of what was signed: HmacSHA1 claimed over a SHA-256 MAC.
  FormParams downgraded = signed_form;
  downgraded.erase("SignatureMethod");
  EXPECT_EQ(VerifyKat(downgraded).code(), errc::kInvalidAuthorization);
}

// "...xm1=" decodes to the same 32 bytes as the genuine "...xm0=" (the last
// character's 2 low bits are padding). Accepting it would let a captured
// request be replayed under another Signature text, past the replay guard
// that remembers the text. Found by fuzz/sign_v1_fuzz.cc.
TEST(SignV1Test, OnlyTheCanonicalBase64OfTheMacIsAccepted) {
  FormParams form = Decoded(kKats[0].wire);
  ASSERT_EQ(form.at("Signature").substr(40), "xm0=");
  form["Signature"].replace(42, 1, "1");
  ASSERT_EQ(crypto::Base64Decode(form.at("Signature")), crypto::Base64Decode(kKats[0].signature));
  EXPECT_EQ(VerifyKat(form).code(), errc::kInvalidAuthorization);
}

TEST(SignV1Test, TimestampSkewOverFiveMinutesExpires) {
  const FormParams form = Decoded(kKats[0].wire);
  EXPECT_TRUE(VerifyKat(form, kSignedAt - 300).ok());
  EXPECT_TRUE(VerifyKat(form, kSignedAt + 300).ok());
  EXPECT_EQ(VerifyKat(form, kSignedAt + 301).code(), errc::kSignatureExpire);
  EXPECT_EQ(VerifyKat(form, kSignedAt - 301).code(), errc::kSignatureExpire);
}

TEST(SignV1Test, UnknownSecretIdIsTheLookupsError) {
  FormParams form = Decoded(kKats[0].wire);
  form["SecretId"] = "AKIDnobody";
  EXPECT_EQ(VerifyKat(form).code(), errc::kSecretIdNotFound);
}

TEST(SignV1Test, MissingCommonParameters) {
  for (const char* name : {"SecretId", "Timestamp", "Nonce", "Signature"}) {
    FormParams form = Decoded(kKats[0].wire);
    form.erase(name);
    const Status s = VerifyKat(form);
    EXPECT_EQ(s.code(), errc::kMissingParameter) << name;
    EXPECT_NE(s.message().find(name), std::string::npos) << s.message();
  }
}

TEST(SignV1Test, GarbledCommonParameters) {
  const std::pair<const char*, const char*> cases[] = {
      {"Timestamp", "17e8"},
      {"Timestamp", "-1700000000"},
      {"Timestamp", " 1700000000"},
      {"Timestamp", ""},
      {"Nonce", "abc"},
      {"Nonce", "-5"},
      {"Nonce", "99999999999999999999999"},
      {"SignatureMethod", "HmacSHA512"},
      {"SignatureMethod", "hmacsha256"},
      {"Signature", "not base64!"},
      {"Signature", "aGVsbG8="},  // base64, but 5 bytes, not a SHA-256 MAC
  };
  for (const auto& [name, value] : cases) {
    FormParams form = Decoded(kKats[0].wire);
    form[name] = value;
    EXPECT_EQ(VerifyKat(form).code(), errc::kInvalidAuthorization) << name << "=" << value;
  }
}

// The SDK's Nonce is round(random * 65535), so 0 happens.
TEST(SignV1Test, NonceZeroIsAccepted) {
  FormParams form = Decoded(kKats[0].wire);
  form["Nonce"] = "0";
  SignV1(&form, "POST", kKats[0].host, kKats[0].secret_key, V1Method::kHmacSha256);
  EXPECT_TRUE(VerifyKat(form).ok());
}

TEST(SignV1Test, ActionParamsAreTypedLikeATc3Body) {
  FormParams form = Decoded(kKats[1].wire);  // DetectChefDress with two Booleans
  EXPECT_EQ(V1ActionParams(*FindAction("DetectChefDress"), form),
            nlohmann::json({{"ImageUrl", "https://example.com/a b.jpg?x=1&y=中"},
                            {"EnableDetect", false},
                            {"EnablePreferred", true}}));
  EXPECT_EQ(V1ActionParams(*FindAction("DetectProductBeta"), Decoded(kKats[0].wire)),
            nlohmann::json({{"ImageBase64", "/9j/4AAQ+SkZJRg=="}, {"NeedLemma", 1}}));
  // Python's str(True); and text that is not of the type stays text, so the
  // handler refuses it as it refuses a JSON string ("must be a Boolean").
  EXPECT_EQ(V1ActionParams(*FindAction("DetectSecurity"),
                           {{"EnableDetect", "True"}, {"EnablePreferred", "yes"}}),
            nlohmann::json({{"EnableDetect", true}, {"EnablePreferred", "yes"}}));
  EXPECT_EQ(V1ActionParams(*FindAction("DetectProductBeta"), {{"NeedLemma", "-1"}, {"Limit", "3"}}),
            nlohmann::json({{"NeedLemma", "-1"}, {"Limit", "3"}}));
  // A Boolean name on an action that has none is not converted (→ UnknownParameter later).
  EXPECT_EQ(V1ActionParams(*FindAction("DetectPet"), {{"EnableDetect", "true"}, {"Token", "t"}}),
            nlohmann::json({{"EnableDetect", "true"}}));
}

}  // namespace
}  // namespace kanjian::protocol
