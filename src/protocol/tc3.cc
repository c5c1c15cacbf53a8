#include "protocol/tc3.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "common/ascii.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/iso8601.h"

namespace kanjian::protocol {
namespace {

constexpr std::string_view kAlgorithm = "TC3-HMAC-SHA256";

Status Malformed(std::string_view why) {
  return Status(errc::kInvalidAuthorization,
                "Authorization header is malformed: " + std::string(why));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return parts;
    start = pos + 1;
  }
}

}  // namespace

Result<Tc3Authorization> ParseAuthorization(std::string_view header) {
  header = Trim(header);
  if (header.substr(0, kAlgorithm.size()) != kAlgorithm || header.size() == kAlgorithm.size() ||
      header[kAlgorithm.size()] != ' ')
    return Malformed("algorithm must be TC3-HMAC-SHA256");
  Tc3Authorization auth;
  bool have_credential = false, have_headers = false, have_signature = false;
  for (std::string_view part : Split(header.substr(kAlgorithm.size() + 1), ',')) {
    part = Trim(part);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) return Malformed("expected key=value");
    std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    // Each field once: a repeated SignedHeaders used to add to the list and a
    // repeated Credential to replace the first (found writing the fuzz harness).
    bool* seen = key == "Credential"      ? &have_credential
                 : key == "SignedHeaders" ? &have_headers
                 : key == "Signature"     ? &have_signature
                                          : nullptr;
    if (seen && *seen) return Malformed(std::string(key) + " is given twice");
    if (key == "Credential") {
      auto scope = Split(value, '/');
      if (scope.size() != 4 || scope[3] != "tc3_request" || scope[0].empty() ||
          scope[1].size() != 10 || scope[2].empty())
        return Malformed("Credential must be SecretId/YYYY-MM-DD/service/tc3_request");
      auth.secret_id = scope[0];
      auth.date = scope[1];
      auth.service = scope[2];
      have_credential = true;
    } else if (key == "SignedHeaders") {
      for (std::string_view h : Split(value, ';')) {
        if (h.empty()) return Malformed("empty name in SignedHeaders");
        auth.signed_headers.push_back(AsciiLower(h));
      }
      have_headers = true;
    } else if (key == "Signature") {
      if (value.size() != 64 || !std::all_of(value.begin(), value.end(), [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c));
          }))
        return Malformed("Signature must be 64 hex digits");
      auth.signature = AsciiLower(value);
      have_signature = true;
    } else {
      return Malformed("unknown field " + std::string(key));
    }
  }
  if (!have_credential || !have_headers || !have_signature)
    return Malformed("Credential, SignedHeaders and Signature are required");
  if (std::find(auth.signed_headers.begin(), auth.signed_headers.end(), "host") ==
      auth.signed_headers.end())
    return Malformed("SignedHeaders must include host");
  return auth;
}

std::string CanonicalRequest(const SignedRequest& request,
                             const std::vector<std::string>& signed_headers) {
  std::vector<std::string> names = signed_headers;
  std::sort(names.begin(), names.end());
  std::string headers, list;
  for (const auto& name : names) {
    auto it = request.headers.find(name);
    std::string value = it == request.headers.end() ? "" : AsciiLower(Trim(it->second));
    headers += name + ":" + value + "\n";
    list += (list.empty() ? "" : ";") + name;
  }
  return request.method + "\n/\n" + request.query + "\n" + headers + "\n" + list + "\n" +
         crypto::Hex(crypto::Sha256(request.body));
}

std::string StringToSign(int64_t timestamp, std::string_view date, std::string_view service,
                         std::string_view canonical_request) {
  return std::string(kAlgorithm) + "\n" + std::to_string(timestamp) + "\n" + std::string(date) +
         "/" + std::string(service) + "/tc3_request\n" +
         crypto::Hex(crypto::Sha256(canonical_request));
}

namespace {
// The signing key depends only on the secret, the UTC date and the service,
// so a thread keeps the last few it derived: three of a request's four
// HMACs are skipped while a key signs again the same day.
std::string SigningKey(std::string_view secret_key, std::string_view date,
                       std::string_view service) {
  struct Entry {
    std::string secret, date, service, key;
  };
  constexpr size_t kEntries = 8;
  thread_local std::array<Entry, kEntries> cache;
  thread_local size_t next = 0;
  for (const Entry& e : cache) {
    if (!e.key.empty() && e.date == date && e.service == service &&
        crypto::ConstantTimeEquals(e.secret, secret_key))
      return e.key;
  }
  std::string k_date = crypto::HmacSha256("TC3" + std::string(secret_key), date);
  std::string k_service = crypto::HmacSha256(k_date, service);
  Entry& e = cache[next++ % kEntries];
  e = {std::string(secret_key), std::string(date), std::string(service),
       crypto::HmacSha256(k_service, "tc3_request")};
  return e.key;
}
}  // namespace

std::string Tc3Signature(std::string_view secret_key, std::string_view date,
                         std::string_view service, std::string_view string_to_sign) {
  return crypto::Hex(crypto::HmacSha256(SigningKey(secret_key, date, service), string_to_sign));
}

std::string SignAuthorization(const SignedRequest& request, std::string_view secret_id,
                              std::string_view secret_key, std::string_view service,
                              int64_t timestamp) {
  const std::vector<std::string> signed_headers = {"content-type", "host"};
  const std::string date = UtcDate(timestamp);
  const std::string sts =
      StringToSign(timestamp, date, service, CanonicalRequest(request, signed_headers));
  return std::string(kAlgorithm) + " Credential=" + std::string(secret_id) + "/" + date + "/" +
         std::string(service) + "/tc3_request, SignedHeaders=content-type;host, Signature=" +
         Tc3Signature(secret_key, date, service, sts);
}

Result<VerifiedCaller> Verify(const SignedRequest& request, int64_t now_seconds,
                              const SecretLookup& lookup) {
  auto header = request.headers.find("authorization");
  if (header == request.headers.end())
    return Status(errc::kInvalidAuthorization, "Authorization header is missing");
  ASSIGN_OR_RETURN(auto auth, ParseAuthorization(header->second));

  auto ts_header = request.headers.find("x-tc-timestamp");
  int64_t timestamp = 0;
  if (ts_header == request.headers.end())
    return Status(errc::kInvalidAuthorization, "X-TC-Timestamp header is missing");
  std::string_view ts = Trim(ts_header->second);
  auto [ptr, ec] = std::from_chars(ts.data(), ts.data() + ts.size(), timestamp);
  if (ec != std::errc() || ptr != ts.data() + ts.size())
    return Status(errc::kInvalidAuthorization, "X-TC-Timestamp must be Unix seconds");
  if (timestamp < now_seconds - kMaxClockSkewSeconds ||
      timestamp > now_seconds + kMaxClockSkewSeconds)
    return Status(errc::kSignatureExpire,
                  "X-TC-Timestamp is more than 5 minutes away from server time " +
                      std::to_string(now_seconds));
  if (auth.date != UtcDate(timestamp))
    return Status(errc::kSignatureFailure,
                  "credential scope date " + auth.date + " is not the UTC date of X-TC-Timestamp");

  ASSIGN_OR_RETURN(auto secret, lookup(auth.secret_id));

  auto matches = [&](const SignedRequest& r) {
    std::string sts =
        StringToSign(timestamp, auth.date, auth.service, CanonicalRequest(r, auth.signed_headers));
    return crypto::ConstantTimeEquals(Tc3Signature(secret, auth.date, auth.service, sts),
                                      auth.signature);
  };
  if (matches(request)) return VerifiedCaller{auth.secret_id, auth.signature, timestamp};
  // The Node SDK signs the host without the port it connects to.
  auto host = request.headers.find("host");
  if (host != request.headers.end()) {
    const std::string& h = host->second;
    size_t colon = h.rfind(':');
    if (colon != std::string::npos && h.find(']', colon) == std::string::npos) {
      SignedRequest without_port = request;
      without_port.headers["host"] = h.substr(0, colon);
      if (matches(without_port)) return VerifiedCaller{auth.secret_id, auth.signature, timestamp};
    }
  }
  return Status(errc::kSignatureFailure,
                "the request signature we calculated does not match the signature you provided");
}

}  // namespace kanjian::protocol
