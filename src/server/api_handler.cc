#include "server/api_handler.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/cancellation.h"
#include "common/error_codes.h"
#include "common/ids.h"
#include "protocol/actions.h"
#include "protocol/envelope.h"
#include "protocol/tc3.h"
#include "server/handlers/handlers.h"
#include "server/image_input.h"

namespace kanjian::server {
namespace {

using nlohmann::json;

std::string Header(const ApiRequest& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

bool IsJsonContentType(std::string value) {
  for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value == "application/json" || value.rfind("application/json;", 0) == 0;
}

// Parameters each action accepts besides the image.
bool KnownParameter(const std::string& action, const std::string& name) {
  if (name == "ImageUrl" || name == "ImageBase64") return true;
  if (action == "DetectProductBeta") return name == "NeedLemma";
  if (action == "DetectChefDress" || action == "DetectSecurity")
    return name == "EnableDetect" || name == "EnablePreferred";
  return false;
}

}  // namespace

ApiResponse ApiHandler::Handle(const ApiRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  ApiResponse response;
  response.request_id = ids::NewRequestId();
  response.action = Header(request, "x-tc-action");

  Result<json> result = Process(request, response.action, response.request_id, &response);
  if (result.ok()) {
    response.body = protocol::SuccessBody(std::move(result).value(), response.request_id);
  } else {
    response.code = result.status().code();
    response.body = protocol::ErrorBody(result.status(), response.request_id);
  }

  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const std::string action_label = protocol::FindAction(response.action) ? response.action : "-";
  metrics_.requests.Increment("action=\"" + action_label + "\",code=\"" +
                              (response.code.empty() ? "OK" : response.code) + "\"");
  metrics_.latency.For("action=\"" + action_label + "\"").Observe(ms);
  spdlog::info(R"({{"RequestId":"{}","Account":"{}","Action":"{}","Code":"{}","LatencyMs":{:.1f}{}}})",
               response.request_id, response.account_id, action_label,
               response.code.empty() ? "OK" : response.code, ms,
               result.ok() ? "" : ",\"Detail\":" + json(result.status().message())
                                                     .dump(-1, ' ', false, json::error_handler_t::replace));
  return response;
}

Result<json> ApiHandler::Process(const ApiRequest& request, const std::string& action,
                                 const std::string& request_id, ApiResponse* response) {
  // Transport.
  if (request.method != "POST")
    return Status(errc::kInvalidParameter,
                  "only POST with a JSON body is supported (GET form requests are not)");
  if (request.body.size() > options_.max_body_bytes)
    return Status(errc::kRequestSizeLimitExceeded,
                  "request body is " + std::to_string(request.body.size()) +
                      " bytes; the limit is " + std::to_string(options_.max_body_bytes));
  if (!IsJsonContentType(Header(request, "content-type")))
    return Status(errc::kInvalidParameter, "Content-Type must be application/json");

  // Action and version.
  const protocol::ActionSpec* spec = protocol::FindAction(action);
  if (action.empty()) return Status(errc::kMissingParameter, "X-TC-Action header is missing");
  if (!spec) return Status(errc::kInvalidAction, "unknown action '" + action + "' for service tiia");
  if (Header(request, "x-tc-version") != protocol::kApiVersion)
    return Status(errc::kNoSuchVersion, "X-TC-Version must be 2019-05-29");

  // Signature.
  std::string account_id;
  protocol::SignedRequest signed_request{request.method, request.query, request.headers,
                                         request.body};
  auto verified = protocol::Verify(signed_request, clock_.NowSeconds(),
                                   [&](const std::string& secret_id) -> Result<std::string> {
                                     auto caller = accounts_.Authenticate(secret_id);
                                     if (!caller.ok()) return caller.status();
                                     account_id = caller->account_id;
                                     return caller->secret_key;
                                   });
  if (!verified.ok()) return verified.status();
  response->account_id = account_id;

  // Account state.
  // Account state: activated, not disabled, not in arrears (read per call,
  // so a CLI change reaches a running server at once).
  if (Status serviceable = billing_.CheckServiceable(account_id); !serviceable.ok())
    return serviceable;

  if (!limiter_.Allow(account_id, action, QpsFor(action)))
    return Status(errc::kRequestLimitExceeded, "more than " + std::to_string(QpsFor(action)) +
                                                   " requests per second for " + action);

  // Parameters.
  json params = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (params.is_discarded() || !params.is_object())
    return Status(errc::kInvalidParameter, "the body must be a JSON object");
  for (const auto& [name, value] : params.items()) {
    if (!KnownParameter(action, name))
      return Status(errc::kUnknownParameter, "unknown parameter '" + name + "' for " + action);
  }

  // A client that hung up does not get its call run (queued inference is
  // dropped, common/cancellation.h) nor billed (checked again just before
  // metering; one that leaves after this point is billed: docs/http.md).
  Result<json> answer = [&] {
    CancelScope scope(request.client_gone);
    return Recognize(action, params);
  }();
  if (!answer.ok()) return answer;
  if (request.client_gone())
    return Status(errc::kClientClosedRequest,
                  "the client closed the connection before the answer; not billed");

  // Billed exactly once: durable before the answer leaves.
  Status metered = meter_.Record({request_id, account_id, action, clock_.NowMicros(), 1});
  if (!metered.ok()) {
    spdlog::error("metering failed for {}: {}", request_id, metered.ToString());
    return Status(errc::kInternalError, "the call could not be recorded; it was not billed");
  }
  return answer;
}

Result<json> ApiHandler::Recognize(const std::string& action, const json& params) {
  const protocol::ActionSpec& spec = *protocol::FindAction(action);
  ActionHandler handler = FindHandler(action);
  if (!handler) return Status(errc::kInvalidAction, action + " is not available on this server yet");
  auto image = ImageBytesFromParams(params, spec, &fetcher_);
  if (!image.ok()) return image.status();
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(options_.request_timeout_ms);
  return handler(ActionCall{spec, params, *image, deadline, vision_});
}

int ApiHandler::QpsFor(const std::string& action) const {
  auto it = options_.qps.find(action);
  if (it != options_.qps.end()) return it->second;
  return protocol::FindAction(action)->default_qps;
}

}  // namespace kanjian::server
