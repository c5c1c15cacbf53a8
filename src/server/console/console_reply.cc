#include "server/console/console_reply.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/error_codes.h"
#include "protocol/envelope.h"
#include "protocol/form_params.h"

namespace kanjian::server::console {

int HttpStatusOf(ErrorCode code) {
  if (code == errc::kNotFound) return 404;
  if (code == errc::kSessionInvalid || code == errc::kInvalidCredentials) return 401;
  if (code == errc::kCsrfTokenInvalid) return 403;
  if (code == errc::kLoginLocked || code == errc::kRequestLimitExceeded) return 429;
  if (code == errc::kInternalError) return 500;
  return 400;
}

HttpResponse JsonReply(int status, const nlohmann::json& body) {
  HttpResponse res;
  res.status = status;
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.headers.push_back({"Cache-Control", "no-store"});
  return res;
}

HttpResponse ErrorReply(const Status& s, std::string_view surface) {
  const bool internal = s.code() == errc::kInternalError;
  if (internal) spdlog::error("{}: {}", surface, s.ToString());
  return JsonReply(
      HttpStatusOf(s.code()),
      {{"Error", protocol::ErrorJson(internal ? Status::InternalError("internal error") : s)}});
}

std::string QueryParam(std::string_view query, std::string_view name) {
  auto params = protocol::DecodeForm(query);
  if (!params.ok()) return "";
  const auto it = params->find(name);
  return it == params->end() ? "" : it->second;
}

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace kanjian::server::console
