#include "server/api/api_handler.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "common/cancellation.h"
#include "common/error_codes.h"
#include "common/ids.h"
#include "protocol/actions.h"
#include "protocol/envelope.h"
#include "protocol/error_table.h"
#include "protocol/form_params.h"
#include "protocol/sign_v1.h"
#include "protocol/tc3.h"
#include "server/api/image_input.h"
#include "server/api/request_params.h"
#include "server/handlers/handlers.h"

namespace kanjian::server {
namespace {

using nlohmann::json;

constexpr char kJson[] = "application/json";
constexpr char kForm[] = "application/x-www-form-urlencoded";

// The request's one lookup of its action: the name as sent and its row
// (null if none), kept in *response as soon as the name is read, so that
// the metrics label has them whatever check fails next.
void NoteAction(std::string action, ApiResponse* response) {
  response->action = std::move(action);
  response->spec = protocol::FindAction(response->action);
}

// The row NoteAction found, once the action is known and the version right.
Result<const protocol::ActionSpec*> CheckActionAndVersion(const ApiResponse& response,
                                                          const std::string* version,
                                                          const std::string& version_source) {
  if (!response.spec)
    return Status(errc::kInvalidAction,
                  "unknown action '" + ShownName(response.action) + "' for service tiia");
  if (!version || *version != protocol::kApiVersion)
    return Status(errc::kNoSuchVersion, version_source + " must be 2019-05-29");
  return response.spec;
}

}  // namespace

ApiResponse ApiHandler::Handle(const ApiRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  ApiResponse response;
  response.request_id = ids::NewRequestId();

  Result<json> result = Process(request, response.request_id, &response);
  const Status status = result.status();
  if (status.ok()) {
    response.body = protocol::SuccessBody(std::move(result).value(), response.request_id);
  } else {
    response.code = protocol::WireCode(status.code());
    response.body = protocol::ErrorBody(status, response.request_id, response.language);
  }

  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  const std::string action_label = response.spec ? std::string(response.spec->name) : "-";
  metrics_.requests.Increment("action=\"" + action_label + "\",code=\"" +
                              (response.code.empty() ? "OK" : response.code) + "\"");
  metrics_.latency.For("action=\"" + action_label + "\"").Observe(ms);
  spdlog::info(
      R"({{"RequestId":"{}","Account":"{}","Action":"{}","Code":"{}","LatencyMs":{:.1f}{}}})",
      response.request_id, response.account_id, action_label,
      response.code.empty() ? "OK" : response.code, ms,
      status.ok()
          ? ""
          : ",\"Detail\":" +
                json(status.message()).dump(-1, ' ', false, json::error_handler_t::replace));
  return response;
}

Result<json> ApiHandler::Process(const ApiRequest& request, const std::string& request_id,
                                 ApiResponse* response) {
  ASSIGN_OR_RETURN(auto call, ParseEnvelope(request, response));
  const protocol::ActionSpec& spec = *call.spec;
  const std::string action(spec.name);

  RETURN_IF_ERROR(CheckReplay(call));
  accounts_.NoteKeyUsed(call.secret_id);  // coarse: at most one write a minute per key
  // Account state: activated, not disabled, not in arrears (read per call,
  // so a CLI change reaches a running server at once).
  RETURN_IF_ERROR(billing_.CheckServiceable(call.account_id));
  QpsLimiter& limiter = options_.shared_qps ? *options_.shared_qps : limiter_;
  const int qps = QpsFor(spec);
  if (!limiter.Allow(call.account_id, action, qps))
    return Status(errc::kRequestLimitExceeded,
                  "more than " + std::to_string(qps) + " requests per second for " + action);
  RETURN_IF_ERROR(CheckParameterNames(spec, call.params));

  // A client that hung up does not get its call run (queued inference is
  // dropped, common/cancellation.h) nor billed (checked again just before
  // metering; one that leaves after this point is billed: docs/operators/http.md).
  Result<json> answer = [&] {
    CancelScope scope(request.client_gone);
    return Recognize(spec, call.params);
  }();
  if (!answer.ok()) return answer;
  if (request.client_gone())
    return Status(errc::kClientClosedRequest,
                  "the client closed the connection before the answer; not billed");

  // Billed exactly once: durable before the answer leaves.
  Status metered = meter_.Record({request_id, call.account_id, action, clock_.NowMicros(), 1,
                                  /*spend_guarded=*/true});
  // The spend guard refused the post-paid call: the answer is withheld and
  // nothing was recorded (docs/tenants/console.md "Spend guard").
  if (metered.code() == errc::kSpendGuard) return metered;
  if (!metered.ok()) {
    spdlog::error("metering failed for {}: {}", request_id, metered.ToString());
    return Status(errc::kInternalError, "the call could not be recorded; it was not billed");
  }
  return answer;
}

Result<ApiHandler::VerifiedCall> ApiHandler::ParseEnvelope(const ApiRequest& request,
                                                           ApiResponse* response) {
  if (request.body.size() > options_.max_body_bytes)
    return Status(errc::kRequestSizeLimitExceeded,
                  "request body is " + std::to_string(request.body.size()) +
                      " bytes; the limit is " + std::to_string(options_.max_body_bytes));
  const bool tc3 = request.headers.count("authorization") > 0;
  if (tc3) response->language = protocol::ParseLanguage(request.Header("x-tc-language"));
  if (request.method == "POST") {
    if (!tc3 && request.MediaType() == kForm) return ParseV1(request, response);
    return ParseTc3(request, response);
  }
  if (request.method == "GET")
    return tc3 ? ParseTc3(request, response) : ParseV1(request, response);
  return Status(errc::kInvalidParameter,
                "use POST (TC3-HMAC-SHA256 with a JSON body, or signature v1 with a form-encoded "
                "body) or GET (either signature, parameters in the query string)");
}

// TC3 signs either a POST with a JSON body, or a GET whose parameters are
// the query string (form-encoded, nested names flattened as `Name.0.Field`,
// as the SDKs send them with reqMethod GET) and whose body is empty.
Result<ApiHandler::VerifiedCall> ApiHandler::ParseTc3(const ApiRequest& request,
                                                      ApiResponse* response) {
  const bool is_get = request.method == "GET";
  if (is_get && !request.body.empty())
    return Status(errc::kInvalidParameter,
                  "a GET request carries its parameters in the query string and must have no body");
  if (!is_get && request.MediaType() != kJson)
    return Status(errc::kInvalidParameter,
                  "Content-Type must be application/json (TC3-HMAC-SHA256) or "
                  "application/x-www-form-urlencoded (signature v1)");
  VerifiedCall call;
  NoteAction(request.Header("x-tc-action"), response);
  if (response->action.empty())
    return Status(errc::kMissingParameter, "X-TC-Action header is missing");
  const auto version = request.headers.find("x-tc-version");
  ASSIGN_OR_RETURN(call.spec,
                   CheckActionAndVersion(
                       *response, version == request.headers.end() ? nullptr : &version->second,
                       "X-TC-Version"));

  protocol::SignedRequest signed_request{request.method, request.query, request.headers,
                                         request.body};
  ASSIGN_OR_RETURN(auto verified, protocol::Verify(signed_request, clock_.NowSeconds(),
                                                   LookupInto(&response->account_id)));
  call.account_id = response->account_id;
  call.secret_id = verified.secret_id;
  call.replay_key = "tc3:" + verified.secret_id + ":" + verified.signature;
  call.signed_at = verified.timestamp;

  if (is_get) {
    ASSIGN_OR_RETURN(auto form, protocol::DecodeForm(request.query));
    call.params = protocol::V1ActionParams(*call.spec, form);
    return call;
  }
  ASSIGN_OR_RETURN(auto params, ParseJsonParams(request.body));
  call.params = std::move(params);
  return call;
}

Result<ApiHandler::VerifiedCall> ApiHandler::ParseV1(const ApiRequest& request,
                                                     ApiResponse* response) {
  const bool is_get = request.method == "GET";
  if (is_get && !request.body.empty())
    return Status(errc::kInvalidParameter,
                  "a GET request carries its parameters in the query "
                  "string and must have no body");
  if (!is_get && !request.query.empty())
    return Status(errc::kInvalidParameter,
                  "a form-encoded POST carries every parameter in its "
                  "body; the query string must be empty");
  ASSIGN_OR_RETURN(auto form, protocol::DecodeForm(is_get ? request.query : request.body));
  if (auto language = form.find("Language"); language != form.end())
    response->language = protocol::ParseLanguage(language->second);

  VerifiedCall call;
  auto action = form.find("Action");
  if (action == form.end())
    return Status(errc::kMissingParameter, "the common parameter Action is missing");
  NoteAction(action->second, response);
  auto version = form.find("Version");
  if (version == form.end())
    return Status(errc::kMissingParameter, "the common parameter Version is missing");
  ASSIGN_OR_RETURN(call.spec, CheckActionAndVersion(*response, &version->second, "Version"));

  ASSIGN_OR_RETURN(auto verified,
                   protocol::VerifyV1(request.method, request.Header("host"), form,
                                      clock_.NowSeconds(), LookupInto(&response->account_id)));
  call.account_id = response->account_id;
  call.secret_id = verified.secret_id;
  call.replay_key = "v1:" + verified.secret_id + ":" + verified.nonce + ":" + verified.signature;
  call.signed_at = verified.timestamp;
  call.params = protocol::V1ActionParams(*call.spec, form);
  return call;
}

protocol::SecretLookup ApiHandler::LookupInto(std::string* account_id) {
  return [this, account_id](const std::string& secret_id) -> Result<std::string> {
    ASSIGN_OR_RETURN(auto caller, accounts_.Authenticate(secret_id));
    *account_id = caller.account_id;
    return caller.secret_key;
  };
}

Status ApiHandler::CheckReplay(const VerifiedCall& call) {
  if (!options_.replay_protection) return Status::Ok();
  switch (replay_guard_.Check(call.replay_key, call.signed_at)) {
    case ReplayGuard::Verdict::kFirst:
      return Status::Ok();
    case ReplayGuard::Verdict::kReplayed:
      return Status(errc::kRequestReplayed,
                    "this signed request was already received; sign every request anew");
    case ReplayGuard::Verdict::kFull:
      break;
  }
  return Status(errc::kRequestLimitExceeded,
                "too many signed requests in the last 5 minutes to guard against replay; retry "
                "shortly");
}

Result<json> ApiHandler::Recognize(const protocol::ActionSpec& spec, const json& params) {
  ASSIGN_OR_RETURN(auto image, ImageBytesFromParams(params, spec, &fetcher_));
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.request_timeout_ms);
  const vision::ImageLimits limits = ImageLimitsFor(spec);
  return HandlerFor(spec)(ActionCall{spec, limits, params, image, deadline, vision_});
}

int ApiHandler::QpsFor(const protocol::ActionSpec& spec) const {
  const auto qps = qps_.load();
  auto it = qps->find(std::string(spec.name));
  if (it != qps->end()) return it->second;
  return spec.default_qps;
}

void ApiHandler::SetQpsOverrides(std::map<std::string, int> qps) {
  qps_.store(std::make_shared<const std::map<std::string, int>>(std::move(qps)));
}

}  // namespace kanjian::server
