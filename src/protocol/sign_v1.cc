#include "protocol/sign_v1.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "common/crypto.h"
#include "common/error_codes.h"
#include "protocol/actions.h"

namespace kanjian::protocol {
namespace {

constexpr std::array<std::string_view, 11> kCommonParameters = {
    "Action",    "Version",         "Region", "Timestamp", "Nonce",        "SecretId",
    "Signature", "SignatureMethod", "Token",  "Language",  "RequestClient"};

const std::string* Find(const FormParams& params, std::string_view name) {
  auto it = params.find(name);
  return it == params.end() ? nullptr : &it->second;
}

Status Garbled(const std::string& why) {
  return Status(errc::kInvalidAuthorization, why);
}

// Plain decimal digits only (no sign, no spaces), as the SDKs send them.
template <typename Int>
bool ParseDecimal(std::string_view text, Int* out) {
  if (text.empty() || text.size() > 20 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

Result<V1Method> ParseMethod(const FormParams& params) {
  const std::string* method = Find(params, "SignatureMethod");
  if (!method || *method == "HmacSHA1") return V1Method::kHmacSha1;
  if (*method == "HmacSHA256") return V1Method::kHmacSha256;
  return Garbled("SignatureMethod must be HmacSHA1 or HmacSHA256");
}

std::string WithoutPort(std::string_view host) {
  const size_t colon = host.rfind(':');
  if (colon == std::string_view::npos || host.find(']', colon) != std::string_view::npos)
    return std::string(host);
  return std::string(host.substr(0, colon));
}

std::string Mac(std::string_view secret_key, V1Method method, std::string_view string_to_sign) {
  return method == V1Method::kHmacSha1 ? crypto::HmacSha1(secret_key, string_to_sign)
                                       : crypto::HmacSha256(secret_key, string_to_sign);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool IsV1CommonParameter(std::string_view name) {
  return std::find(kCommonParameters.begin(), kCommonParameters.end(), name) !=
         kCommonParameters.end();
}

std::string V1StringToSign(std::string_view http_method, std::string_view host,
                           const FormParams& params) {
  std::string out = std::string(http_method) + std::string(host) + "/?";
  bool first = true;
  for (const auto& [name, value] : params) {  // std::map: sorted by name
    if (name == "Signature") continue;
    if (!first) out += '&';
    out += name + "=" + value;
    first = false;
  }
  return out;
}

std::string V1Signature(std::string_view secret_key, V1Method method,
                        std::string_view string_to_sign) {
  return crypto::Base64Encode(Mac(secret_key, method, string_to_sign));
}

void SignV1(FormParams* params, std::string_view http_method, std::string_view host,
            std::string_view secret_key, V1Method method, bool explicit_method) {
  params->erase("Signature");
  if (explicit_method || method == V1Method::kHmacSha256)
    (*params)["SignatureMethod"] = method == V1Method::kHmacSha1 ? "HmacSHA1" : "HmacSHA256";
  (*params)["Signature"] =
      V1Signature(secret_key, method, V1StringToSign(http_method, host, *params));
}

Result<V1Caller> VerifyV1(std::string_view http_method, std::string_view host,
                          const FormParams& params, int64_t now_seconds,
                          const SecretLookup& lookup) {
  for (const char* name : {"SecretId", "Timestamp", "Nonce", "Signature"}) {
    if (!Find(params, name))
      return Status(errc::kMissingParameter,
                    std::string("the common parameter ") + name + " is missing (signature v1)");
  }
  V1Caller caller{*Find(params, "SecretId"), *Find(params, "Signature"), *Find(params, "Nonce")};
  uint64_t nonce = 0;
  if (!ParseDecimal(caller.nonce, &nonce)) return Garbled("Nonce must be an unsigned integer");
  if (!ParseDecimal(*Find(params, "Timestamp"), &caller.timestamp))
    return Garbled("Timestamp must be Unix seconds");
  ASSIGN_OR_RETURN(auto method, ParseMethod(params));
  const auto signature = crypto::Base64Decode(caller.signature);
  const size_t digest_bytes = method == V1Method::kHmacSha1 ? 20 : 32;
  // Canonical only: other texts of the same bytes (non-zero padding bits)
  // would pass the replay guard, which remembers the text.
  if (!signature || signature->size() != digest_bytes ||
      crypto::Base64Encode(*signature) != caller.signature)
    return Garbled("Signature must be the canonical base64 of a " + std::to_string(digest_bytes) +
                   "-byte HMAC for this SignatureMethod");

  if (caller.timestamp < now_seconds - kMaxClockSkewSeconds ||
      caller.timestamp > now_seconds + kMaxClockSkewSeconds)
    return Status(
        errc::kSignatureExpire,
        "Timestamp is more than 5 minutes away from server time " + std::to_string(now_seconds));

  ASSIGN_OR_RETURN(auto secret, lookup(caller.secret_id));
  // Clients sign the endpoint they were given; the Node SDK keeps its port.
  const std::string bare_host = WithoutPort(host);
  for (std::string_view signed_host : {host, std::string_view(bare_host)}) {
    const std::string expected =
        Mac(secret, method, V1StringToSign(http_method, signed_host, params));
    if (crypto::ConstantTimeEquals(expected, *signature)) return caller;
    if (bare_host == host) break;
  }
  return Status(errc::kSignatureFailure,
                "the request signature we calculated does not match the signature you provided");
}

nlohmann::json V1ActionParams(const ActionSpec& action, const FormParams& params) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, text] : params) {
    if (IsV1CommonParameter(name)) continue;
    const auto type = FindParameter(action, name);
    bool flag = false;
    int64_t number = 0;
    if (type == ParamType::kBoolean &&
        (EqualsIgnoreCase(text, "true") || EqualsIgnoreCase(text, "false"))) {
      flag = EqualsIgnoreCase(text, "true");
      out[name] = flag;
    } else if (type == ParamType::kInteger && ParseDecimal(text, &number)) {
      out[name] = number;
    } else {
      out[name] = text;
    }
  }
  return out;
}

}  // namespace kanjian::protocol
