// The alert transports' refusals, without a network: a webhook whose host
// is not public (or loopback without the test flag) is never connected to,
// an e-mail without an SMTP server fails, and the message is well formed.
#include "server/jobs/alert_transport.h"

#include <gtest/gtest.h>

namespace kanjian::server {
namespace {

TEST(AlertTransport, WebhooksOnlyReachPublicAddresses) {
  CurlAlertTransport transport({});
  for (const char* url : {"http://10.0.0.1/x", "http://127.0.0.1:9/x", "http://169.254.169.254/",
                          "http://[::1]:9/x", "http://192.168.1.1/"}) {
    auto r = transport.PostWebhook(url, {}, "{}");
    EXPECT_FALSE(r.delivered) << url;
    EXPECT_EQ(r.result, "refused: the host resolves to a non-public address") << url;
  }
  EXPECT_EQ(transport.PostWebhook("ftp://example.com/", {}, "{}").result, "not an http(s) URL");
  EXPECT_EQ(transport.PostWebhook("not a url", {}, "{}").result, "not a valid URL");
}

TEST(AlertTransport, LoopbackOnlyWithTheTestFlag) {
  AlertTransportOptions options;
  options.allow_loopback_for_tests = true;
  CurlAlertTransport transport(options);
  // Port 9 (discard) has no listener here: refused by the peer, not the policy.
  auto r = transport.PostWebhook("http://127.0.0.1:9/x", {}, "{}");
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.result.find("refused:"), std::string::npos) << r.result;
  EXPECT_EQ(transport.PostWebhook("http://10.0.0.1/x", {}, "{}").result,
            "refused: the host resolves to a non-public address");
}

TEST(AlertTransport, EmailNeedsAServerAndIsEncoded) {
  CurlAlertTransport transport({});
  EXPECT_EQ(transport.SendEmail("a@b.c", "s", "t").result, "no SMTP server configured (smtp-url)");
  const std::string m = MailMessage("from@k.test", "to@t.test", "账单 ok", "line\r\n",
                                    "Mon, 07 Dec 2026 10:00:00 +0000");
  EXPECT_NE(m.find("From: <from@k.test>\r\nTo: <to@t.test>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?6LSm5Y2VIG9r?=\r\n"), std::string::npos);
  EXPECT_NE(m.find("charset=utf-8\r\n"), std::string::npos);
  EXPECT_EQ(m.substr(m.size() - 10), "\r\n\r\nline\r\n");
}

}  // namespace
}  // namespace kanjian::server
