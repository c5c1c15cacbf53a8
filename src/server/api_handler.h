// The API 3.0 endpoint as a plain function: no HTTP types in or out, so
// tests and benchmarks call it directly. Order of checks: transport →
// action/version → signature → account state → rate limit → parameters →
// recognition → metering. Only a call that passes them all is metered, and
// it is metered durably before its answer is returned.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "billing/accounts.h"
#include "billing/billing.h"
#include "billing/usage_meter.h"
#include "common/clock.h"
#include "server/http_types.h"
#include "server/image_fetcher.h"
#include "server/rate_limiter.h"
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
  std::string account_id;  // "" before authentication
  std::string code;        // "" on success
};

struct ApiOptions {
  size_t max_body_bytes = 6 * 1024 * 1024;  // larger bodies → RequestSizeLimitExceeded
  int request_timeout_ms = 10000;           // → FailedOperation.RequestTimeout
  std::map<std::string, int> qps;           // per-action overrides of api.md's defaults
  ImageFetcherOptions image_url;            // ImageUrl: empty allow-list = refused
};

class ApiHandler {
 public:
  ApiHandler(ApiOptions options, billing::AccountService& accounts,
             billing::BillingService& billing, billing::UsageMeter& meter,
             vision::VisionEngine& vision, const Clock& clock, ServerMetrics& metrics)
      : options_(std::move(options)), accounts_(accounts), billing_(billing), meter_(meter),
        vision_(vision),
        clock_(clock), limiter_(clock), metrics_(metrics), fetcher_(options_.image_url) {}

  ApiResponse Handle(const ApiRequest& request);

 private:
  // Everything after the envelope is known; fills response->account_id.
  Result<nlohmann::json> Process(const ApiRequest& request, const std::string& action,
                                 const std::string& request_id, ApiResponse* response);
  Result<nlohmann::json> Recognize(const std::string& action, const nlohmann::json& params);
  int QpsFor(const std::string& action) const;

  const ApiOptions options_;
  billing::AccountService& accounts_;
  billing::BillingService& billing_;
  billing::UsageMeter& meter_;
  vision::VisionEngine& vision_;
  const Clock& clock_;
  RateLimiter limiter_;
  ServerMetrics& metrics_;
  const ImageFetcher fetcher_;  // downloads on the connection thread, never on the pool
};

}  // namespace kanjian::server
