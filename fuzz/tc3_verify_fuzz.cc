// protocol::Verify with one fixed key. Two modes, chosen by the first byte:
//  - arbitrary: a request built from fuzz bytes (method, query, headers,
//    body). Never crashes or throws; refusals are AuthFailure.* envelopes;
//    an accepted request carries exactly the signature the key gives it.
//  - signed: a request signed by SignAuthorization the way an SDK does,
//    then at most one tampering chosen by the fuzzer. The untouched request
//    must verify; any tampering with what is signed must be refused.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <string>

#include "common/error_codes.h"
#include "common/iso8601.h"
#include "fuzz_check.h"
#include "protocol/tc3.h"

namespace kanjian::fuzz {
namespace {

using protocol::SignedRequest;

constexpr char kSecretId[] = "AKIDfuzz";
constexpr char kKey[] = "FuzzSecretKeyFuzzSecretKey012345";
constexpr int64_t kNow = 1795694732;  // 2026-11-26T08:45:32Z, as in tc3_test.cc

Result<std::string> Lookup(const std::string& id) {
  if (id == kSecretId) return std::string(kKey);
  return Status(errc::kSecretIdNotFound, "unknown SecretId");
}

bool IsAuthFailure(const Status& s) {
  return s.code() == errc::kSignatureExpire || s.code() == errc::kSignatureFailure ||
         s.code() == errc::kSecretIdNotFound || s.code() == errc::kInvalidAuthorization;
}

// The signature a client holding kKey computes for `r` with the header's scope.
bool CarriesGenuineSignature(const SignedRequest& r) {
  auto auth = protocol::ParseAuthorization(r.headers.at("authorization"));
  FUZZ_CHECK(auth.ok());
  const int64_t ts = std::stoll(r.headers.at("x-tc-timestamp"));
  auto signature_for = [&](const SignedRequest& req) {
    return protocol::Tc3Signature(
        kKey, auth->date, auth->service,
        protocol::StringToSign(ts, auth->date, auth->service,
                               protocol::CanonicalRequest(req, auth->signed_headers)));
  };
  if (signature_for(r) == auth->signature) return true;
  SignedRequest without_port = r;
  const std::string& host = r.headers.count("host") ? r.headers.at("host") : "";
  without_port.headers["host"] = host.substr(0, host.rfind(':'));
  return signature_for(without_port) == auth->signature;
}

void Arbitrary(FuzzedDataProvider& fdp) {
  static const char* kNames[] = {"authorization", "x-tc-timestamp", "host",
                                 "content-type",  "x-tc-action",    "x-tc-version"};
  SignedRequest r;
  r.method = fdp.ConsumeBool() ? "POST" : fdp.ConsumeRandomLengthString(8);
  r.query = fdp.ConsumeRandomLengthString(64);
  const int headers = fdp.ConsumeIntegralInRange(0, 8);
  for (int i = 0; i < headers; ++i) {
    std::string name = fdp.ConsumeBool() ? kNames[fdp.ConsumeIntegralInRange(0, 5)]
                                         : fdp.ConsumeRandomLengthString(16);
    r.headers[name] = fdp.ConsumeRandomLengthString(256);
  }
  const std::string body = fdp.ConsumeRemainingBytesAsString();
  r.body = body;
  auto verified = protocol::Verify(r, kNow, Lookup);
  if (!verified.ok()) {
    FUZZ_CHECK(IsAuthFailure(verified.status()));
    CheckEnvelope(verified.status());
    return;
  }
  FUZZ_CHECK(verified->secret_id == kSecretId);
  FUZZ_CHECK(CarriesGenuineSignature(r));
}

void SignedThenTampered(FuzzedDataProvider& fdp) {
  const int64_t ts = kNow + fdp.ConsumeIntegralInRange<int64_t>(-300, 300);
  std::string service = "tiia";
  if (fdp.ConsumeBool()) service = std::to_string(fdp.ConsumeIntegral<uint16_t>());
  SignedRequest r;
  r.method = "POST";
  r.headers["host"] = fdp.ConsumeRandomLengthString(64);
  r.headers["content-type"] = fdp.ConsumeRandomLengthString(64);
  r.headers["x-tc-timestamp"] = std::to_string(ts);
  const int tamper = fdp.ConsumeIntegralInRange(0, 10);
  const size_t where = fdp.ConsumeIntegral<size_t>();
  std::string body = fdp.ConsumeRemainingBytesAsString();
  r.body = body;
  r.headers["authorization"] = protocol::SignAuthorization(r, kSecretId, kKey, service, ts);

  auto genuine = protocol::Verify(r, kNow, Lookup);
  FUZZ_CHECK(genuine.ok());
  FUZZ_CHECK(genuine->secret_id == kSecretId);

  std::string& auth = r.headers["authorization"];
  std::string tampered_body = body;
  switch (tamper) {
    case 0:  // an unsigned header may change freely
      r.headers["x-tc-action"] = "DetectPet";
      FUZZ_CHECK(protocol::Verify(r, kNow, Lookup).ok());
      return;
    case 1:
      if (body.empty())
        tampered_body = "x";
      else
        tampered_body[where % body.size()] ^= 1 + (where >> 8) % 255;
      r.body = tampered_body;
      break;
    case 2:
      r.headers["host"] = "z" + r.headers["host"];
      break;
    case 3:
      r.headers["content-type"] += "x";
      break;
    case 4:
      r.headers["x-tc-timestamp"] = std::to_string(ts + 1 + where % 600);
      break;
    case 5: {  // another hex digit in the signature
      const size_t at = auth.size() - 1 - where % 64;
      auth[at] = auth[at] == '0' ? '1' : '0';
      break;
    }
    case 6:
      auth.replace(auth.find(kSecretId), 8, "AKIDfuzZ");
      break;
    case 7:
      auth.replace(auth.find("SignedHeaders="), 14, "SignedHeaders=x-tc-action;");
      break;
    case 8:
      r.method = "GET";
      break;
    case 9:
      r.query = "a=" + std::to_string(where);
      break;
    case 10: {  // the scope's service (the key is derived from it)
      const size_t at = auth.find("/tc3_request");
      auth.insert(at, "x");
      break;
    }
  }
  auto verified = protocol::Verify(r, kNow, Lookup);
  FUZZ_CHECK(!verified.ok());
  FUZZ_CHECK(IsAuthFailure(verified.status()));
}

}  // namespace
}  // namespace kanjian::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  if (fdp.ConsumeBool()) {
    kanjian::fuzz::SignedThenTampered(fdp);
  } else {
    kanjian::fuzz::Arbitrary(fdp);
  }
  return 0;
}
