// Alerts: the notices of notices.h sent to a tenant who is not looking at
// the console, by e-mail and/or a signed webhook (docs/tenants/alerts.md).
// The rules here are pure (alerts_test.cc): which notice is which alert
// (its dedup key), when a failed delivery is retried, how a webhook is
// signed, and what each message says. The dispatcher that applies them is
// alert_service.h; the transports (HTTP, SMTP) are the server's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "billing/rules/notices.h"
#include "store/store.h"

namespace kanjian::billing {

// Every kind a subscription may ask for (an empty list means all of them).
inline constexpr std::string_view kAlertKinds[] = {"free_pack", "pack_expiring", "spend_guard",
                                                   "arrears",   "bill_settled",  "catalog_change"};
bool IsAlertKind(std::string_view kind);

// How long after its bill was written "bill settled" is still a notice.
inline constexpr UnixMicros kBillNoticeShownFor = 30 * kMicrosPerDay;
// Retries: the n-th failed attempt waits first_retry * 2^(n-1), at most
// kAlertRetryCap; after kAlertMaxAttempts attempts a delivery has failed.
inline constexpr UnixMicros kAlertRetryCap = 6 * kMicrosPerHour;
inline constexpr int64_t kAlertMaxAttempts = 8;

// "Bill settled" for the account's latest bill, while it is recent:
// at = when it was written, subject = its month, amount = its total.
std::optional<TenantNotice> BillSettledNotice(const std::optional<store::Bill>& latest,
                                              UnixMicros now);

// The dedup key of a notice: kind|subject|percent|period. A state that
// holds for a while (arrears, the spend guard and free packs at a
// threshold) is alerted once per billing month `month` ("YYYY-MM"); a
// pack's expiry, a bill and a catalog change once ever (their subject is
// unique).
std::string AlertKey(const TenantNotice& notice, std::string_view month);

// Whether a subscription wants notices of `kind`.
bool Wants(const store::AlertSubscription& sub, std::string_view kind);

// How long to wait after the `attempts`-th failed attempt (attempts >= 1).
UnixMicros RetryDelay(int64_t attempts, UnixMicros first_retry);

// The webhook's X-Kanjian-Signature: "sha256=" + lowercase hex of
// HMAC-SHA256(secret, timestamp + "." + body), timestamp in Unix seconds
// as sent in X-Kanjian-Timestamp.
std::string WebhookSignature(std::string_view secret, int64_t timestamp_s, std::string_view body);

// The console page where a notice is acted on ("#/free-packs", …).
std::string_view AlertLink(std::string_view kind);

// What is sent. `console_url` prefixes the link ("" = the path alone);
// `time` formats an instant in the billing time zone.
struct AlertText {
  std::string subject;
  std::string text;
};
std::string WebhookBody(const TenantNotice& notice, std::string_view account_id,
                        std::string_view key, std::string_view link, std::string_view at);
AlertText EmailText(const TenantNotice& notice, std::string_view language, std::string_view link,
                    std::string_view at);

}  // namespace kanjian::billing
