// protocol::ParseAuthorization on arbitrary header values. Properties: only
// AuthFailure.InvalidAuthorization on refusal (as a valid envelope); an
// accepted header has the fields Verify relies on, and writing it back in
// the SDK's form parses to the same fields.
#include <algorithm>
#include <cstdint>
#include <string>

#include "common/error_codes.h"
#include "fuzz_check.h"
#include "protocol/tc3.h"

using kanjian::protocol::ParseAuthorization;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  auto auth = ParseAuthorization(header);
  if (!auth.ok()) {
    FUZZ_CHECK(auth.status().code() == kanjian::errc::kInvalidAuthorization);
    kanjian::fuzz::CheckEnvelope(auth.status());
    return 0;
  }
  FUZZ_CHECK(!auth->secret_id.empty() && auth->date.size() == 10 && !auth->service.empty());
  FUZZ_CHECK(auth->signature.size() == 64);
  FUZZ_CHECK(std::all_of(auth->signature.begin(), auth->signature.end(),
                         [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }));
  FUZZ_CHECK(std::count(auth->signed_headers.begin(), auth->signed_headers.end(), "host") >= 1);
  std::string list;
  for (const auto& h : auth->signed_headers) {
    FUZZ_CHECK(!h.empty());
    FUZZ_CHECK(std::none_of(h.begin(), h.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
    list += (list.empty() ? "" : ";") + h;
  }
  const std::string again = "TC3-HMAC-SHA256 Credential=" + auth->secret_id + "/" + auth->date +
                            "/" + auth->service + "/tc3_request, SignedHeaders=" + list +
                            ", Signature=" + auth->signature;
  auto reparsed = ParseAuthorization(again);
  FUZZ_CHECK(reparsed.ok());
  FUZZ_CHECK(reparsed->secret_id == auth->secret_id && reparsed->date == auth->date &&
             reparsed->service == auth->service &&
             reparsed->signed_headers == auth->signed_headers &&
             reparsed->signature == auth->signature);
  return 0;
}
