#include "server/api/image_input.h"

#include "common/crypto.h"
#include "common/error_codes.h"

namespace kanjian::server {

Result<std::string> ImageBytesFromParams(const nlohmann::json& params,
                                         const protocol::ActionSpec& action,
                                         const ImageFetcher* fetcher) {
  auto url = params.find("ImageUrl");
  auto b64 = params.find("ImageBase64");
  if (url != params.end() && !url->is_string())
    return Status(errc::kInvalidParameterValue, "ImageUrl must be a string");
  if (b64 != params.end() && !b64->is_string())
    return Status(errc::kInvalidParameterValue, "ImageBase64 must be a string");
  if (url != params.end() && !url->get_ref<const std::string&>().empty()) {
    if (!fetcher || !fetcher->enabled())
      return Status(errc::kUrlIllegal,
                    "ImageUrl is disabled on this server (it must not fetch arbitrary URLs); "
                    "send the image as ImageBase64");
    return fetcher->Fetch(url->get_ref<const std::string&>(), action.max_image_bytes);
  }
  if (b64 == params.end())
    return Status(errc::kMissingParameter, "one of ImageBase64 or ImageUrl is required");
  const std::string& text = b64->get_ref<const std::string&>();
  if (text.empty()) return Status(errc::kEmptyImage, "ImageBase64 is empty");
  if (text.size() > action.max_image_bytes)
    return Status(errc::kImageSizeExceed, "ImageBase64 is " + std::to_string(text.size()) +
                                              " bytes; " + std::string(action.name) +
                                              " accepts at most " +
                                              std::to_string(action.max_image_bytes));
  if (text.rfind("data:", 0) == 0)
    return Status(errc::kImageDecodeFailed, "ImageBase64 must not carry a data: URL prefix");
  auto bytes = crypto::Base64Decode(text);
  if (!bytes) return Status(errc::kImageDecodeFailed, "ImageBase64 is not valid base64");
  return std::move(*bytes);
}

}  // namespace kanjian::server
