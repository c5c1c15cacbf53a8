// The request body as ApiHandler sees it once the signature is checked:
// server::ParseJsonParams (a JSON object), server::CheckParameterNames (names
// the action accepts), then
// server::ImageBytesFromParams (ImageBase64 size cap and base64 decoding;
// ImageUrl is refused, as with no allow-list). The first byte picks the
// action. Properties: refusals carry the documented codes as valid
// envelopes; accepted bytes respect the action's cap and re-encode to the
// same image; no exception escapes.
#include <cstdint>
#include <set>
#include <string>

#include "common/crypto.h"
#include "common/error_codes.h"
#include "fuzz_check.h"
#include "protocol/actions.h"
#include "server/api/image_input.h"
#include "server/api/request_params.h"

using namespace kanjian;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto actions = protocol::AllActions();
  const protocol::ActionSpec& action = actions[data[0] % actions.size()];
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto params = server::ParseJsonParams(body);
  if (!params.ok()) {
    FUZZ_CHECK(params.status().code() == errc::kInvalidParameter);
    fuzz::CheckEnvelope(params.status());
    return 0;
  }
  FUZZ_CHECK(params->is_object());
  if (Status names = server::CheckParameterNames(action, *params); !names.ok()) {
    FUZZ_CHECK(names.code() == errc::kUnknownParameter);
    fuzz::CheckEnvelope(names);
    return 0;
  }
  for (const auto& [name, value] : params->items())
    FUZZ_CHECK(protocol::FindParameter(action, name).has_value());
  // A success envelope echoing the parameters is valid JSON too.
  auto echoed = nlohmann::json::parse(protocol::SuccessBody(*params, "id"), nullptr, false);
  FUZZ_CHECK(!echoed.is_discarded());

  auto image = server::ImageBytesFromParams(*params, action, /*fetcher=*/nullptr);
  if (!image.ok()) {
    static const std::set<ErrorCode> kCodes = {
        errc::kInvalidParameterValue, errc::kUrlIllegal,
        errc::kMissingParameter,      errc::kEmptyImage,
        errc::kImageSizeExceed,       errc::kImageDecodeFailed};
    FUZZ_CHECK(kCodes.count(image.status().code()) == 1);
    fuzz::CheckEnvelope(image.status());
    return 0;
  }
  const std::string& text = (*params)["ImageBase64"].get_ref<const std::string&>();
  FUZZ_CHECK(!image->empty());
  FUZZ_CHECK(text.size() <= action.max_image_bytes);
  FUZZ_CHECK(image->size() <= text.size() / 4 * 3);
  auto again = crypto::Base64Decode(crypto::Base64Encode(*image));
  FUZZ_CHECK(again && *again == *image);
  return 0;
}
