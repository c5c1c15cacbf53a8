// The API 3.0 endpoint as a plain function of the request's parts (method,
// query, headers, body): it writes no socket and knows no router, so tests
// and benchmarks call it directly. First the envelope — TC3 (JSON
// body, X-TC-* headers, Authorization) or signature v1 (form-encoded GET
// query or POST body) — becomes one VerifiedCall: transport → action/version
// → signature → parameters as JSON. The action's row of protocol::kActions
// is found there, once, and every later step reads that row. Then the same checks for both: replay
// (optional) → account state → rate limit → parameter names → recognition →
// metering. Only a call that passes them all is metered, and it is metered
// durably before its answer is returned.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "billing/accounts.h"
#include "billing/billing.h"
#include "billing/usage_meter.h"
#include "common/clock.h"
#include "protocol/actions.h"
#include "protocol/error_messages.h"
#include "protocol/tc3.h"
#include "server/api/image_fetcher.h"
#include "server/api/replay_guard.h"
#include "server/http/http_types.h"
#include "server/limits/rate_limiter.h"
#include "server/server_metrics.h"
#include "vision/vision_engine.h"

namespace kanjian::server {

// The request as the transport delivered it (method, query, lowercase
// headers, body, and whether the client is still there).
using ApiRequest = HttpRequest;

struct ApiResponse {
  std::string body;  // always an API 3.0 envelope, sent with HTTP 200
  std::string request_id;
  std::string action;
  // The action's row of protocol::kActions once `action` is found there
  // (the one lookup of a request); null for a missing or unknown action.
  const protocol::ActionSpec* spec = nullptr;
  std::string account_id;  // "" before authentication
  std::string code;        // "" on success
  // X-TC-Language (TC3) or Language (v1): the language of Error.Message.
  protocol::Language language = protocol::Language::kEnglish;
};

struct ApiOptions {
  size_t max_body_bytes = kDefaultMaxBodyBytes;  // larger bodies → RequestSizeLimitExceeded
  int request_timeout_ms = 10000;                // → FailedOperation.RequestTimeout
  std::map<std::string, int> qps;                // per-action overrides of docs/api.md's defaults
  ImageFetcherOptions image_url;                 // ImageUrl: empty allow-list = refused
  bool replay_protection = false;                // → AuthFailure.RequestReplayed (replay_guard.h)
  std::shared_ptr<QpsLimiter> shared_qps;        // across nodes (serve --redis); null: per node
};

class ApiHandler {
 public:
  ApiHandler(ApiOptions options, billing::AccountService& accounts,
             billing::BillingService& billing, billing::UsageMeter& meter,
             vision::VisionEngine& vision, const Clock& clock, ServerMetrics& metrics)
      : options_(std::move(options)),
        accounts_(accounts),
        billing_(billing),
        meter_(meter),
        vision_(vision),
        clock_(clock),
        limiter_(clock),
        metrics_(metrics),
        fetcher_(options_.image_url),
        replay_guard_(clock),
        qps_(std::make_shared<const std::map<std::string, int>>(options_.qps)) {}

  ApiResponse Handle(const ApiRequest& request);
  // Replaces the per-action QPS overrides (ApiOptions::qps) for the calls
  // that follow: a reloaded config file (SIGHUP).
  void SetQpsOverrides(std::map<std::string, int> qps);

 private:
  // A request whose envelope is parsed and whose signature holds. (Its
  // implicit destructor runs nlohmann::json's, which may allocate while it
  // frees nested values: what clang-tidy's exception check reports.)
  struct VerifiedCall {                          // NOLINT(bugprone-exception-escape)
    const protocol::ActionSpec* spec = nullptr;  // never null once parsed
    nlohmann::json params;  // the action's own parameters, typed as in a TC3 body
    std::string account_id;
    std::string secret_id;
    std::string replay_key;  // unique per signed request
    int64_t signed_at = 0;   // its Timestamp, Unix seconds
  };

  // Fills response->action and response->account_id as they become known.
  Result<nlohmann::json> Process(const ApiRequest& request, const std::string& request_id,
                                 ApiResponse* response);
  Result<VerifiedCall> ParseEnvelope(const ApiRequest& request, ApiResponse* response);
  Result<VerifiedCall> ParseTc3(const ApiRequest& request, ApiResponse* response);
  Result<VerifiedCall> ParseV1(const ApiRequest& request, ApiResponse* response);
  // Finds the account of a SecretId (and remembers it in *account_id).
  protocol::SecretLookup LookupInto(std::string* account_id);
  Status CheckReplay(const VerifiedCall& call);
  Result<nlohmann::json> Recognize(const protocol::ActionSpec& spec, const nlohmann::json& params);
  int QpsFor(const protocol::ActionSpec& spec) const;

  const ApiOptions options_;
  billing::AccountService& accounts_;
  billing::BillingService& billing_;
  billing::UsageMeter& meter_;
  vision::VisionEngine& vision_;
  const Clock& clock_;
  RateLimiter limiter_;
  ServerMetrics& metrics_;
  const ImageFetcher fetcher_;  // downloads on the handler thread, before inference is queued
  ReplayGuard replay_guard_;    // used only with options_.replay_protection
  // options_.qps until SetQpsOverrides replaces it; read once per call.
  std::atomic<std::shared_ptr<const std::map<std::string, int>>> qps_;
};

}  // namespace kanjian::server
