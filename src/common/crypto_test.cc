#include "common/crypto.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace kanjian::crypto {
namespace {

TEST(CryptoTest, HmacSha256MatchesRfc4231Case2) {
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, HmacSha1MatchesRfc2202Case2) {
  EXPECT_EQ(Hex(HmacSha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

// A thread reuses one HMAC context: each call's key is its own, an empty
// key included (OpenSSL keeps the previous key when given none).
TEST(CryptoTest, HmacKeysDoNotCarryOverBetweenCalls) {
  const std::string jefe = "5f8b59ab7903c6e27af68eefb6d3b18e3afd39bb310540ebe50ad04d6b37c3d8";
  const std::string empty = "e528c4d99e6177f5841f712a143b90843299a4aa181a06501422d9ca862bd2a5";
  EXPECT_EQ(Hex(HmacSha256("Jefe", "data")), jefe);
  EXPECT_EQ(Hex(HmacSha256(std::string_view(), "data")), empty);
  EXPECT_EQ(Hex(HmacSha256("", "data")), empty);
  EXPECT_EQ(Hex(HmacSha256("Jefe", "data")), jefe);
  EXPECT_EQ(Hex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // FIPS 180-2
}

TEST(CryptoTest, Sha256OfEmpty) {
  EXPECT_EQ(Hex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// Across the 1 MiB chunk boundary, against the one-shot digest.
TEST(CryptoTest, Sha256OfFileMatchesTheBytesAndNamesAMissingFile) {
  const std::string path = ::testing::TempDir() + "kanjian_sha256_of_file";
  const std::string bytes = RandomBytes((1 << 20) + 4097);
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
  auto digest = Sha256OfFile(path);
  ASSERT_TRUE(digest.ok()) << digest.status().ToString();
  EXPECT_EQ(*digest, Sha256(bytes));
  std::remove(path.c_str());
  auto missing = Sha256OfFile(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(path), std::string::npos);
}

TEST(CryptoTest, Base64IsStrict) {
  EXPECT_EQ(Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(Base64Decode("aGk="), "hi");
  EXPECT_EQ(Base64Decode(""), "");
  EXPECT_FALSE(Base64Decode("aGVsbG8").has_value());   // missing padding
  EXPECT_FALSE(Base64Decode("aGV$bG8=").has_value());  // bad character
  EXPECT_FALSE(Base64Decode("aG=sbG8=").has_value());  // padding in the middle
  EXPECT_FALSE(Base64Decode("data:image/png;base64,aGk=").has_value());
  const std::string bytes = RandomBytes(1000);
  EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(CryptoTest, RandomAlnumHasAlphabetAndLength) {
  const std::string s = RandomAlnum(500);
  ASSERT_EQ(s.size(), 500u);
  for (char c : s) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
  EXPECT_NE(RandomAlnum(32), RandomAlnum(32));
}

TEST(SecretBoxTest, RoundTripAndTamperDetection) {
  SecretBox box(std::string(32, 'k'));
  const std::string sealed = box.Seal("my secret key", "AKID1");
  EXPECT_EQ(sealed.find("my secret key"), std::string::npos);
  auto opened = box.Open(sealed, "AKID1");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "my secret key");
  EXPECT_FALSE(box.Open(sealed, "AKID2").ok());  // bound to its row
  std::string tampered = sealed;
  tampered[14] ^= 1;
  EXPECT_FALSE(box.Open(tampered, "AKID1").ok());
  EXPECT_FALSE(SecretBox(std::string(32, 'x')).Open(sealed, "AKID1").ok());
  EXPECT_NE(box.Seal("same", "a"), box.Seal("same", "a"));  // fresh nonce
}

}  // namespace
}  // namespace kanjian::crypto
