// TC3-HMAC-SHA256, the signature scheme of API 3.0 (docs/api.md §2): signing
// (used by tests and benchmarks as a client would) and verification.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kanjian::protocol {

inline constexpr int64_t kMaxClockSkewSeconds = 300;

struct Tc3Authorization {
  std::string secret_id;
  std::string date;                         // credential scope date, YYYY-MM-DD
  std::string service;                      // credential scope service (e.g. "tiia", or "127")
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;                    // lowercase hex
};

// Parses `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request,
// SignedHeaders=a;b, Signature=HEX`. Errors: AuthFailure.InvalidAuthorization.
Result<Tc3Authorization> ParseAuthorization(std::string_view header);

// Request as seen by the server. Header names are lowercase.
struct SignedRequest {
  std::string method;  // "POST" or "GET"
  std::string query;   // canonical query string ("" for POST)
  std::map<std::string, std::string> headers;
  std::string_view body;
};

std::string CanonicalRequest(const SignedRequest& request,
                             const std::vector<std::string>& signed_headers);
std::string StringToSign(int64_t timestamp, std::string_view date, std::string_view service,
                         std::string_view canonical_request);
// Hex signature for StringToSign under SecretKey.
std::string Tc3Signature(std::string_view secret_key, std::string_view date,
                         std::string_view service, std::string_view string_to_sign);

// Client side: the Authorization header an SDK would send for `request`
// (signs content-type;host).
std::string SignAuthorization(const SignedRequest& request, std::string_view secret_id,
                              std::string_view secret_key, std::string_view service,
                              int64_t timestamp);

// Returns the SecretKey of an enabled SecretId, or AuthFailure.SecretIdNotFound.
using SecretLookup = std::function<Result<std::string>(const std::string& secret_id)>;

struct VerifiedCaller {
  std::string secret_id;
  std::string signature;  // lowercase hex, as verified
  int64_t timestamp = 0;  // X-TC-Timestamp
};

// Checks Authorization, X-TC-Timestamp skew, scope date and signature.
// The signed host is accepted with or without the port (the Node SDK signs
// it without, the C++ SDK with).
Result<VerifiedCaller> Verify(const SignedRequest& request, int64_t now_seconds,
                              const SecretLookup& lookup);

}  // namespace kanjian::protocol
