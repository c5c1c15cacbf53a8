// Signature v1 (protocol/form_params.h, protocol/sign_v1.h) with one fixed
// key, the one of the SDK known-answer vectors in sign_v1_test.cc. The first
// byte picks the mode:
//  - even: wire text as the server receives it (form body or query; the
//    second byte picks GET/POST, the host and the action). DecodeForm, then
//    V1ActionParams and the server's name check, then VerifyV1. Properties:
//    refusals are the documented codes as valid envelopes; a decoded form
//    re-encodes (EncodeForm) to the same parameters; the action's JSON holds
//    no common parameter and dumps strictly (valid UTF-8); an accepted
//    request carries exactly the signature the key gives it.
//  - odd: parameters built from fuzz bytes and signed by SignV1 as an SDK
//    does, sent through EncodeForm/DecodeForm; the untouched request must
//    verify, and any change to what is signed must be refused.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <set>
#include <string>

#include "common/crypto.h"
#include "common/error_codes.h"
#include "fuzz_check.h"
#include "protocol/actions.h"
#include "protocol/form_params.h"
#include "protocol/sign_v1.h"
#include "server/api/request_params.h"

namespace kanjian::fuzz {
namespace {

using protocol::FormParams;
using protocol::V1Method;

constexpr char kSecretId[] = "AKIDkatExample";
constexpr char kKey[] = "kat-secret-key-0123456789abcdef";
constexpr int64_t kNow = 1700000000;  // the vectors' Timestamp
const char* const kHosts[] = {"127.0.0.1:8080", "tiia.tencentcloudapi.com", "[::1]:8080", ""};

Result<std::string> Lookup(const std::string& id) {
  if (id == kSecretId) return std::string(kKey);
  return Status(errc::kSecretIdNotFound, "unknown SecretId");
}

bool IsVerifyRefusal(const Status& s) {
  static const std::set<ErrorCode> kCodes = {errc::kMissingParameter, errc::kInvalidAuthorization,
                                             errc::kSignatureExpire, errc::kSecretIdNotFound,
                                             errc::kSignatureFailure};
  return kCodes.count(s.code()) == 1;
}

bool CarriesGenuineSignature(const std::string& http_method, const std::string& host,
                             const FormParams& form) {
  for (V1Method m : {V1Method::kHmacSha1, V1Method::kHmacSha256}) {
    for (const std::string& h : {host, host.substr(0, host.rfind(':'))}) {
      if (protocol::V1Signature(kKey, m, protocol::V1StringToSign(http_method, h, form)) ==
          form.at("Signature"))
        return true;
    }
  }
  return false;
}

void Wire(const uint8_t* data, size_t size) {
  if (size < 1) return;
  const std::string http_method = data[0] & 1 ? "GET" : "POST";
  const std::string host = kHosts[(data[0] >> 1) % 4];
  const auto actions = protocol::AllActions();
  const protocol::ActionSpec& action = actions[(data[0] >> 3) % actions.size()];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto form = protocol::DecodeForm(text);
  if (!form.ok()) {
    FUZZ_CHECK(form.status().code() == errc::kInvalidParameter);
    CheckEnvelope(form.status());
    return;
  }
  FUZZ_CHECK(form->size() <= protocol::kMaxFormParams);
  for (const auto& [name, value] : *form)
    FUZZ_CHECK(!name.empty() && name.size() <= protocol::kMaxFormNameBytes);
  auto again = protocol::DecodeForm(protocol::EncodeForm(*form));
  FUZZ_CHECK(again.ok() && *again == *form);

  const nlohmann::json params = protocol::V1ActionParams(action, *form);
  FUZZ_CHECK(params.is_object());
  for (const auto& [name, value] : params.items()) {
    FUZZ_CHECK(!protocol::IsV1CommonParameter(name) && form->count(name) == 1);
  }
  (void)params.dump();  // strict: throws (and fails the run) on invalid UTF-8
  const Status names = server::CheckParameterNames(action, params);
  FUZZ_CHECK(names.ok() || names.code() == errc::kUnknownParameter);

  auto caller = protocol::VerifyV1(http_method, host, *form, kNow, Lookup);
  if (!caller.ok()) {
    FUZZ_CHECK(IsVerifyRefusal(caller.status()));
    CheckEnvelope(caller.status());
    return;
  }
  FUZZ_CHECK(caller->secret_id == kSecretId && caller->signature == form->at("Signature"));
  FUZZ_CHECK(CarriesGenuineSignature(http_method, host, *form));
}

void SignedThenTampered(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string http_method = fdp.ConsumeBool() ? "GET" : "POST";
  const std::string host = fdp.ConsumeRandomLengthString(64);
  const V1Method method = fdp.ConsumeBool() ? V1Method::kHmacSha1 : V1Method::kHmacSha256;
  const bool explicit_method = fdp.ConsumeBool();
  const int tamper = fdp.ConsumeIntegralInRange(0, 9);
  FormParams params = {{"Action", "DetectPet"},
                       {"Version", "2019-05-29"},
                       {"Region", "ap-guangzhou"},
                       {"SecretId", kSecretId},
                       {"Timestamp", std::to_string(kNow + fdp.ConsumeIntegralInRange(-300, 300))},
                       {"Nonce", std::to_string(fdp.ConsumeIntegral<uint32_t>())}};
  const int extra = fdp.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < extra; ++i) {
    std::string name = fdp.ConsumeRandomLengthString(24);
    if (name.empty() || protocol::IsV1CommonParameter(name)) continue;
    params[name] = fdp.ConsumeRandomLengthString(128);
  }
  params["ImageBase64"] = fdp.ConsumeRemainingBytesAsString();
  protocol::SignV1(&params, http_method, host, kKey, method, explicit_method);

  // What the server decodes is what the client signed (names or values that
  // are not UTF-8 are refused by DecodeForm, and no SDK sends them).
  auto received = protocol::DecodeForm(protocol::EncodeForm(params));
  if (!received.ok()) {
    FUZZ_CHECK(received.status().code() == errc::kInvalidParameter);
    return;
  }
  FUZZ_CHECK(*received == params);
  auto genuine = protocol::VerifyV1(http_method, host, params, kNow, Lookup);
  FUZZ_CHECK(genuine.ok());

  std::string tampered_host = host;
  std::string tampered_method = http_method;
  switch (tamper) {
    case 0:
      params["ImageBase64"] += "x";
      break;
    case 1:
      params["Timestamp"] = std::to_string(std::stoll(params["Timestamp"]) + 1);
      break;
    case 2:
      params["Nonce"] += "1";
      break;
    case 3:
      params["Action"] += "x";
      break;
    case 4:
      params["NeedLemma"] += "1";
      break;  // a parameter added, or changed if sent
    case 5:
      tampered_host = "z" + host;
      break;
    case 6:
      tampered_method = http_method == "GET" ? "POST" : "GET";
      break;
    case 7: {  // one bit of the MAC
      std::string mac = *crypto::Base64Decode(params["Signature"]);
      mac[mac.size() / 2] ^= 1;
      params["Signature"] = crypto::Base64Encode(mac);
      break;
    }
    case 8:  // the other HMAC (its digest length differs: refused as garbled)
      params["SignatureMethod"] = method == V1Method::kHmacSha1 ? "HmacSHA256" : "HmacSHA1";
      break;
    case 9:
      params.erase("Region");
      break;  // a signed common parameter dropped
  }
  auto verified = protocol::VerifyV1(tampered_method, tampered_host, params, kNow, Lookup);
  FUZZ_CHECK(!verified.ok());
  FUZZ_CHECK(IsVerifyRefusal(verified.status()));
}

}  // namespace
}  // namespace kanjian::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] & 1) {
    kanjian::fuzz::SignedThenTampered(data + 1, size - 1);
  } else {
    kanjian::fuzz::Wire(data + 1, size - 1);
  }
  return 0;
}
