// How alerts leave the server (billing/alerts/alert_service.h's transport), on
// libcurl: a webhook is an HTTP POST, an e-mail goes through the
// operator's SMTP server (docs/operators/configuration.md "Alerts").
// A webhook's URL is the tenant's, so it is held to the ImageUrl fetcher's
// address policy (server/address_policy.h): every address a connection is opened
// to must be public unicast (checked on the socket itself, so no resolver
// answer or rebinding gets around it), redirects are not followed and no
// proxy from the environment is used. DNS is within the attempt's limit.
#pragma once

#include <string>

#include "billing/alerts/alert_service.h"

namespace kanjian::server {

struct AlertTransportOptions {
  // smtp://host[:port] (STARTTLS when the server offers it) or
  // smtps://host[:port]; "" = e-mail alerts fail with "no SMTP server".
  std::string smtp_url;
  std::string smtp_from;                 // the From address
  std::string smtp_user, smtp_password;  // "" = no authentication
  // FOR TESTS ONLY: let webhooks reach loopback addresses (127/8, ::1).
  bool allow_loopback_for_tests = false;
  int timeout_ms = 10'000;  // per attempt, DNS included
};

class CurlAlertTransport final : public billing::AlertTransport {
 public:
  explicit CurlAlertTransport(AlertTransportOptions options);

  // Delivered on a 2xx answer; the result is "HTTP <status>" or why not.
  billing::AlertAttempt PostWebhook(const std::string& url, const Headers& headers,
                                    const std::string& body) override;
  // A text/plain UTF-8 message; delivered when the server accepted it.
  billing::AlertAttempt SendEmail(const std::string& to, const std::string& subject,
                                  const std::string& text) override;

 private:
  const AlertTransportOptions options_;
};

// The e-mail as sent (headers, a blank line, the text with CRLF line
// ends); the subject is RFC 2047-encoded UTF-8. `date` is RFC 5322's.
std::string MailMessage(const std::string& from, const std::string& to, const std::string& subject,
                        const std::string& text, const std::string& date);

}  // namespace kanjian::server
