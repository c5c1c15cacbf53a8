// Signature v1, the scheme older SDKs (Node 3.0.x, Python 3.0.x default
// HmacSHA256; scripts often HmacSHA1) and scripts still use: every
// parameter, common and own, travels form-encoded (GET query or POST
// x-www-form-urlencoded body) and
//   Signature = base64(HMAC(SecretKey, METHOD + host + "/" + "?" + k=v&...))
// over all parameters but Signature, sorted by name, values decoded
// (not re-encoded). docs/tenants/signatures.md states the rules we apply.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "protocol/actions.h"
#include "protocol/form_params.h"
#include "protocol/tc3.h"

namespace kanjian::protocol {

enum class V1Method { kHmacSha1, kHmacSha256 };

// Action, Version, Region, Timestamp, Nonce, SecretId, Signature,
// SignatureMethod, Token, Language, RequestClient: signed, never passed to
// the action.
bool IsV1CommonParameter(std::string_view name);

// METHOD + host + "/?" + the sorted k=v pairs (Signature left out).
std::string V1StringToSign(std::string_view http_method, std::string_view host,
                           const FormParams& params);
// base64 of the HMAC.
std::string V1Signature(std::string_view secret_key, V1Method method,
                        std::string_view string_to_sign);

// Client side, for tests and benchmarks: sets SignatureMethod (unless
// HmacSHA1 is implied by its absence: `explicit_method`) and Signature.
void SignV1(FormParams* params, std::string_view http_method, std::string_view host,
            std::string_view secret_key, V1Method method, bool explicit_method = true);

struct V1Caller {
  std::string secret_id;
  std::string signature;  // as sent (base64)
  std::string nonce;
  int64_t timestamp = 0;
};

// Checks the common parameters' presence and shape, Timestamp skew, and the
// signature against the SecretKey of SecretId. `host` is the Host header; a
// signature over the host without its port is accepted too.
// Errors: MissingParameter (SecretId, Timestamp, Nonce or Signature absent),
// AuthFailure.InvalidAuthorization (one of them or SignatureMethod garbled),
// AuthFailure.SignatureExpire, the lookup's error, AuthFailure.SignatureFailure.
Result<V1Caller> VerifyV1(std::string_view http_method, std::string_view host,
                          const FormParams& params, int64_t now_seconds,
                          const SecretLookup& lookup);

// The action's own parameters as the JSON a TC3 body would carry:
// Boolean parameters from "true"/"false", Integer ones from a decimal.
// Text that is not of the type, and unknown names, stay strings, so the
// handler's and the server's own checks refuse them exactly as for TC3.
nlohmann::json V1ActionParams(const ActionSpec& action, const FormParams& params);

}  // namespace kanjian::protocol
