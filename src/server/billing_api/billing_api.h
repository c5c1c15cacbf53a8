// The public cloud's billing service (API 3.0, X-TC-Version 2018-07-09) for
// tenants' scripts: the official SDKs' billing clients work against Kanjian
// unchanged, signed with the tenant's own key and scoped to its account.
// A plain function like ApiHandler: no HTTP types in or out. Checks run in
// the same order as the recognition API's: transport → action →
// signature → rate limit → parameters. Nothing here is ever billed, and
// the account's state does not matter (a tenant in arrears must be able
// to read its balance).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "billing/accounts.h"
#include "billing/views/tenant_view.h"
#include "common/clock.h"
#include "server/limits/rate_limiter.h"
#include "server/server_metrics.h"

#include "server/http/http_types.h"

namespace kanjian::server {

inline constexpr char kBillingApiVersion[] = "2018-07-09";

// The request as the transport delivered it, like the tiia API's.
using BillingApiRequest = HttpRequest;

struct BillingApiOptions {
  size_t max_body_bytes = kDefaultMaxBodyBytes;
  int qps = 20;  // per account and action, like the public cloud's billing reads
};

class BillingApiHandler {
 public:
  BillingApiHandler(BillingApiOptions options, billing::AccountService& accounts,
                    billing::TenantView& view, const Clock& clock, ServerMetrics& metrics)
      : options_(options),
        accounts_(accounts),
        view_(view),
        clock_(clock),
        limiter_(clock),
        metrics_(metrics) {}

  // Always an API 3.0 envelope, sent with HTTP 200.
  std::string Handle(const BillingApiRequest& request);

 private:
  Result<nlohmann::json> Process(const BillingApiRequest& request, const std::string& action,
                                 std::string* account_id);

  const BillingApiOptions options_;
  billing::AccountService& accounts_;
  billing::TenantView& view_;
  const Clock& clock_;
  RateLimiter limiter_;
  ServerMetrics& metrics_;
};

// The actions (billing_actions.cc): parse the parameters, read the tenant
// view, format the public cloud's response model. `account_id` is the
// verified caller's.
using BillingAction = Result<nlohmann::json> (*)(billing::TenantView& view,
                                                 const std::string& account_id,
                                                 const nlohmann::json& params);
BillingAction FindBillingAction(const std::string& name);

// The account's Uin: the 48 bits of its id ("acc-" + 12 hex digits), so a
// JavaScript number holds it exactly.
int64_t UinOf(const std::string& account_id);

}  // namespace kanjian::server
