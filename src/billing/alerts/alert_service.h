// Alerts, the service: each account's subscription (set from the tenant
// console or `kanjian alert`), and the dispatcher pass the server runs on
// a timer (server/jobs/alert_scheduler.h). A pass
//   1. computes the notices of every subscribed account (TenantView's,
//      plus "bill settled" for a recent bill), and for each wanted notice
//      whose dedup key (alerts.h AlertKey) was not seen before records its
//      first sighting and one outbox row per channel, in one transaction;
//   2. sends the outbox rows that are due through the injected transport,
//      each claimed first (compare-and-set on its next attempt time, so two
//      nodes never send one twice), retried with backoff (alerts.h
//      RetryDelay) until delivered or kAlertMaxAttempts attempts.
// Nothing here bills or touches money; a failing receiver only costs the
// pass its timeout, on the dispatcher's own thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "billing/alerts/alerts.h"
#include "billing/views/tenant_view.h"
#include "common/crypto.h"
#include "store/store.h"

namespace kanjian::billing {

// The outcome of one attempt: delivered or not, and what to log ("HTTP
// 200", "HTTP 500", "250 OK", a connection error…).
struct AlertAttempt {
  bool delivered = false;
  std::string result;
};

// How alerts leave the process (server/jobs/alert_transport.h). Blocking; called
// from the dispatcher's thread only.
class AlertTransport {
 public:
  virtual ~AlertTransport() = default;
  using Headers = std::vector<std::pair<std::string, std::string>>;
  virtual AlertAttempt PostWebhook(const std::string& url, const Headers& headers,
                                   const std::string& body) = 0;
  virtual AlertAttempt SendEmail(const std::string& to, const std::string& subject,
                                 const std::string& text) = 0;
};

struct AlertOptions {
  UnixMicros first_retry = 60 * 1'000'000LL;  // doubles per attempt (alerts.h RetryDelay)
  std::string console_url;                    // prefixes links ("" = the console path alone)
  int64_t batch = 100;                        // deliveries sent per pass at most
};

// What a pass did (for the log and the tests).
struct AlertPass {
  int64_t new_notices = 0, delivered = 0, retrying = 0, failed = 0, errors = 0;
};

// What a tenant (or the operator) asks for; the server makes the secret.
struct AlertRequest {
  std::string email, webhook_url, language = "en";
  std::vector<std::string> kinds;
  bool new_secret = false;  // make a new webhook secret (one is made when there is none)
};

// Webhook secrets are kept sealed under the master key `box` (as API
// SecretKeys are), bound to their account; what this service returns
// carries the secret opened.
class AlertService {
 public:
  AlertService(store::Store& store, TenantView& view, const crypto::SecretBox& box,
               const Clock& clock, AlertOptions options)
      : store_(store), view_(view), box_(box), clock_(clock), options_(std::move(options)) {}

  // InvalidParameterValue for an e-mail address or URL that cannot be one,
  // an unknown kind or language; neither channel removes the subscription.
  Result<std::optional<store::AlertSubscription>> Subscribe(const std::string& account_id,
                                                            const AlertRequest& request);
  Result<std::optional<store::AlertSubscription>> Subscription(const std::string& account_id);
  // Newest first.
  Result<std::vector<store::AlertDelivery>> Deliveries(const std::string& account_id,
                                                       int64_t limit);
  // Sets each notice's `since` to its first sighting, where one is recorded.
  Status Stamp(const std::string& account_id, std::vector<TenantNotice>& notices);

  // One dispatcher pass (see the top of this file) with `transport`.
  AlertPass RunOnce(AlertTransport& transport);

 private:
  Status Collect(const store::AlertSubscription& sub, const std::string& month, int offset,
                 AlertPass& pass);
  // Returns false when an attempt was made and failed.
  bool Deliver(store::AlertDelivery d, AlertTransport& transport, AlertPass& pass);

  // The subscription as stored, with its secret opened (InternalError if
  // it does not open: another master key, or a row copied from another
  // account).
  Result<std::optional<store::AlertSubscription>> Find(store::Txn& txn,
                                                       const std::string& account_id) const;

  store::Store& store_;
  TenantView& view_;
  const crypto::SecretBox& box_;
  const Clock& clock_;
  const AlertOptions options_;
};

}  // namespace kanjian::billing
