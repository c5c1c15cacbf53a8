#include "protocol/tc3.h"

#include <gtest/gtest.h>

#include "common/error_codes.h"

namespace kanjian::protocol {
namespace {

constexpr char kKey[] = "ExampleSecretKeyExampleSecretKey";
constexpr int64_t kTs = 1795694732;  // 2026-11-26 UTC
constexpr char kBody[] = R"({"ImageUrl":"https://example.com/car.jpg"})";

SignedRequest NodeSdkRequest(std::string_view body) {
  SignedRequest r;
  r.method = "POST";
  r.headers = {{"content-type", "application/json"},
               {"host", "127.0.0.1:8080"},
               {"x-tc-timestamp", std::to_string(kTs)},
               {"x-tc-action", "DetectPet"}};
  r.body = body;
  return r;
}

std::string HeaderWithSignature(const std::string& sig) {
  return "TC3-HMAC-SHA256 Credential=AKIDexample/2026-11-26/127/tc3_request, "
         "SignedHeaders=content-type;host, Signature=" +
         sig;
}

Result<std::string> Lookup(const std::string& id) {
  if (id == "AKIDexample") return std::string(kKey);
  return Status(errc::kSecretIdNotFound, "unknown");
}

// Captured from the official Node SDK 4.1.313 (docs/api.md §2).
constexpr char kKnownSignature[] =
    "29d18af2e5bf3655c85de14189a1b03100063c7af53b49e47199f57e3b7376ca";

TEST(Tc3Test, KnownAnswerVectorFromNodeSdk) {
  SignedRequest r = NodeSdkRequest(kBody);
  r.headers["host"] = "127.0.0.1";  // the SDK signs the host without the port
  const std::string sts =
      StringToSign(kTs, "2026-11-26", "127", CanonicalRequest(r, {"content-type", "host"}));
  EXPECT_EQ(Tc3Signature(kKey, "2026-11-26", "127", sts), kKnownSignature);
}

TEST(Tc3Test, VerifyAcceptsHostWithoutAndWithPort) {
  SignedRequest r = NodeSdkRequest(kBody);
  r.headers["authorization"] = HeaderWithSignature(kKnownSignature);
  auto caller = Verify(r, kTs + 10, Lookup);
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->secret_id, "AKIDexample");

  // A C++-SDK-style client signs the port too.
  r.headers.erase("authorization");
  r.headers["authorization"] = SignAuthorization(r, "AKIDexample", kKey, "tiia", kTs);
  EXPECT_TRUE(Verify(r, kTs, Lookup).ok());
}

TEST(Tc3Test, AuthorizationFieldsAppearOnce) {
  const std::string good = HeaderWithSignature(kKnownSignature);
  ASSERT_TRUE(ParseAuthorization(good).ok());
  for (const char* extra :
       {", SignedHeaders=x-tc-action", ", Credential=AKIDother/2026-11-26/127/tc3_request",
        ", Signature=0000000000000000000000000000000000000000000000000000000000000000"}) {
    auto parsed = ParseAuthorization(good + extra);
    ASSERT_FALSE(parsed.ok()) << extra;
    EXPECT_EQ(parsed.status().code(), errc::kInvalidAuthorization);
    EXPECT_NE(parsed.status().message().find("given twice"), std::string::npos);
  }
}

TEST(Tc3Test, EachFailureHasItsCode) {
  SignedRequest r = NodeSdkRequest(kBody);
  r.headers["authorization"] = HeaderWithSignature(kKnownSignature);
  EXPECT_EQ(Verify(r, kTs + 301, Lookup).status().code(), errc::kSignatureExpire);
  EXPECT_EQ(Verify(r, kTs - 301, Lookup).status().code(), errc::kSignatureExpire);
  EXPECT_TRUE(Verify(r, kTs + 300, Lookup).ok());

  SignedRequest tampered = NodeSdkRequest(R"({"ImageUrl":"https://example.com/cat.jpg"})");
  tampered.headers["authorization"] = HeaderWithSignature(kKnownSignature);
  EXPECT_EQ(Verify(tampered, kTs, Lookup).status().code(), errc::kSignatureFailure);

  SignedRequest wrong_key = r;
  wrong_key.headers["authorization"] = SignAuthorization(r, "AKIDexample", "other", "127", kTs);
  EXPECT_EQ(Verify(wrong_key, kTs, Lookup).status().code(), errc::kSignatureFailure);

  SignedRequest unknown = r;
  unknown.headers["authorization"] = SignAuthorization(r, "AKIDnobody", kKey, "127", kTs);
  EXPECT_EQ(Verify(unknown, kTs, Lookup).status().code(), errc::kSecretIdNotFound);

  SignedRequest wrong_date = r;
  wrong_date.headers["authorization"] =
      "TC3-HMAC-SHA256 Credential=AKIDexample/2026-11-25/127/tc3_request, "
      "SignedHeaders=content-type;host, Signature=" +
      std::string(kKnownSignature);
  EXPECT_EQ(Verify(wrong_date, kTs, Lookup).status().code(), errc::kSignatureFailure);

  for (const char* bad : {"", "Basic abc", "TC3-HMAC-SHA256",
                          "TC3-HMAC-SHA256 Credential=AKIDexample/2026-11-26/127/tc3_request",
                          "TC3-HMAC-SHA256 Credential=AKIDexample/2026-11-26/127/tc3_request, "
                          "SignedHeaders=content-type;host, Signature=zz"}) {
    SignedRequest m = r;
    m.headers["authorization"] = bad;
    EXPECT_EQ(Verify(m, kTs, Lookup).status().code(), errc::kInvalidAuthorization) << bad;
  }
  SignedRequest no_ts = r;
  no_ts.headers.erase("x-tc-timestamp");
  EXPECT_EQ(Verify(no_ts, kTs, Lookup).status().code(), errc::kInvalidAuthorization);
}

}  // namespace
}  // namespace kanjian::protocol
