#include "common/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

#include "common/error_codes.h"

namespace kanjian::crypto {

namespace {
// OpenSSL 3's one-shot SHA256() and HMAC() look the algorithm up on every
// call (a locked table, allocations): about a third of a signed request's
// hashing. The algorithms are fetched once and each thread keeps its own
// context, initialised again for each use.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

using MacCtx = std::unique_ptr<EVP_MAC_CTX, void (*)(EVP_MAC_CTX*)>;

MacCtx NewHmacContext(const char* digest) {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  MacCtx ctx(mac ? EVP_MAC_CTX_new(mac) : nullptr, EVP_MAC_CTX_free);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_CTX_set_params(ctx.get(), params) != 1)
    throw std::runtime_error("HMAC context failed");
  return ctx;
}

std::string Hmac(EVP_MAC_CTX* ctx, std::string_view key, std::string_view data) {
  // Never a null key: EVP_MAC_init would keep the previous call's.
  static const unsigned char kNoKey[1] = {0};
  const auto* k = key.empty() ? kNoKey : reinterpret_cast<const unsigned char*>(key.data());
  std::string out(EVP_MAX_MD_SIZE, '\0');
  size_t len = 0;
  if (EVP_MAC_init(ctx, k, key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, reinterpret_cast<unsigned char*>(out.data()), &len, out.size()) != 1)
    throw std::runtime_error("HMAC failed");
  out.resize(len);
  return out;
}
}  // namespace

std::string Sha256(std::string_view data) {
  using Ctx = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;
  thread_local Ctx ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), Sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return out;
}

Result<std::string> Sha256OfFile(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) return Status(errc::kInternalError, "cannot read " + path);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex2(ctx.get(), Sha256Md(), nullptr) != 1)
    throw std::runtime_error("EVP_DigestInit_ex failed");
  std::string chunk(1 << 20, '\0');
  size_t n;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), file.get())) > 0)
    EVP_DigestUpdate(ctx.get(), chunk.data(), n);
  if (std::ferror(file.get())) return Status(errc::kInternalError, "cannot read " + path);
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), nullptr);
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  thread_local MacCtx ctx = NewHmacContext("SHA256");
  return Hmac(ctx.get(), key, data);
}

std::string HmacSha1(std::string_view key, std::string_view data) {
  thread_local MacCtx ctx = NewHmacContext("SHA1");
  return Hmac(ctx.get(), key, data);
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Result<std::string> Unhex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return Status(errc::kInvalidParameterValue, "odd-length hex");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status(errc::kInvalidParameterValue, "not hex");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

std::string RandomAlnum(size_t n) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  while (out.size() < n) {
    for (unsigned char c : RandomBytes(n)) {
      if (c < 248 && out.size() < n) out.push_back(kAlphabet[c % 62]);  // 248 = 4*62
    }
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '+' || c == '/';
    if (c == '=') {
      if (i + 2 < text.size()) return std::nullopt;
      ++pad;
    } else if (!alpha || pad > 0) {
      return std::nullopt;
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<size_t>(n) - pad);  // DecodeBlock counts padding as zero bytes
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

namespace {
constexpr size_t kNonce = 12, kTag = 16;
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  if (key_.size() != 32) throw std::invalid_argument("SecretBox key must be 32 bytes");
}

std::string SecretBox::Seal(std::string_view plaintext, std::string_view aad) const {
  std::string out = RandomBytes(kNonce);
  out.resize(kNonce + plaintext.size() + kTag);
  auto u = [](auto* p) { return reinterpret_cast<unsigned char*>(p); };
  auto cu = [](const auto* p) { return reinterpret_cast<const unsigned char*>(p); };
  CtxPtr ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, cu(key_.data()),
                               cu(out.data())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, cu(aad.data()),
                              static_cast<int>(aad.size())) == 1 &&
            EVP_EncryptUpdate(ctx.get(), u(out.data() + kNonce), &len, cu(plaintext.data()),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(ctx.get(), u(out.data() + kNonce + len), &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag,
                                out.data() + kNonce + plaintext.size()) == 1;
  if (!ok) throw std::runtime_error("AES-GCM seal failed");
  return out;
}

Result<std::string> SecretBox::Open(std::string_view sealed, std::string_view aad) const {
  if (sealed.size() < kNonce + kTag) return Status(errc::kInternalError, "sealed secret too short");
  const size_t n = sealed.size() - kNonce - kTag;
  std::string out(n, '\0');
  auto cu = [](const auto* p) { return reinterpret_cast<const unsigned char*>(p); };
  CtxPtr ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  std::string tag(sealed.substr(kNonce + n));
  bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, cu(key_.data()),
                         cu(sealed.data())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, cu(aad.data()), static_cast<int>(aad.size())) ==
          1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len,
                        cu(sealed.data() + kNonce), static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + len, &len) == 1;
  if (!ok) return Status(errc::kInternalError, "cannot open sealed secret (wrong master key?)");
  return out;
}

}  // namespace kanjian::crypto
