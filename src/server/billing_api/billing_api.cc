#include "server/billing_api/billing_api.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/error_codes.h"
#include "common/ids.h"
#include "protocol/envelope.h"
#include "protocol/error_table.h"
#include "protocol/tc3.h"

namespace kanjian::server {
namespace {

using nlohmann::json;

}  // namespace

std::string BillingApiHandler::Handle(const BillingApiRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = ids::NewRequestId();
  const std::string action = request.Header("x-tc-action");
  std::string account_id;
  Result<json> result = Process(request, action, &account_id);
  const Status status = result.status();
  const std::string code = status.ok() ? "OK" : std::string(protocol::WireCode(status.code()));
  std::string body =
      status.ok() ? protocol::SuccessBody(std::move(result).value(), request_id)
                  : protocol::ErrorBody(status, request_id,
                                        protocol::ParseLanguage(request.Header("x-tc-language")));

  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const std::string label = FindBillingAction(action) ? "billing:" + action : "billing:-";
  metrics_.requests.Increment("action=\"" + label + "\",code=\"" + code + "\"");
  metrics_.latency.For("action=\"" + label + "\"").Observe(ms);
  spdlog::info(
      R"({{"RequestId":"{}","Account":"{}","Action":"{}","Code":"{}","LatencyMs":{:.1f}{}}})",
      request_id, account_id, label, code, ms,
      status.ok() ? "" : ",\"Detail\":" + json(status.message()).dump());
  return body;
}

Result<json> BillingApiHandler::Process(const BillingApiRequest& request, const std::string& action,
                                        std::string* account_id) {
  // Transport, as for the recognition API.
  if (request.method != "POST")
    return Status(errc::kInvalidParameter,
                  "only POST with a JSON body is supported (GET form requests are not)");
  if (request.body.size() > options_.max_body_bytes)
    return Status(errc::kRequestSizeLimitExceeded,
                  "request body is " + std::to_string(request.body.size()) +
                      " bytes; the limit is " + std::to_string(options_.max_body_bytes));
  if (request.MediaType() != "application/json")
    return Status(errc::kInvalidParameter, "Content-Type must be application/json");

  if (action.empty()) return Status(errc::kMissingParameter, "X-TC-Action header is missing");
  const BillingAction run = FindBillingAction(action);
  if (!run)
    return Status(errc::kInvalidAction, "unknown action '" + action + "' for service billing");

  protocol::SignedRequest signed_request{request.method, request.query, request.headers,
                                         request.body};
  ASSIGN_OR_RETURN(auto verified,
                   protocol::Verify(signed_request, clock_.NowSeconds(),
                                    [&](const std::string& secret_id) -> Result<std::string> {
                                      ASSIGN_OR_RETURN(auto caller,
                                                       accounts_.Authenticate(secret_id));
                                      *account_id = caller.account_id;
                                      return caller.secret_key;
                                    }));
  accounts_.NoteKeyUsed(verified.secret_id);

  if (!limiter_.Allow(*account_id, "billing:" + action, options_.qps))
    return Status(errc::kRequestLimitExceeded, "more than " + std::to_string(options_.qps) +
                                                   " requests per second for " + action);

  json params = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (params.is_discarded() || !params.is_object())
    return Status(errc::kInvalidParameter, "the body must be a JSON object");
  return run(view_, *account_id, params);
}

}  // namespace kanjian::server
