// Alerts: the pure rules (dedup keys, backoff, the webhook signature, the
// bill notice) by table, and the dispatcher over a real SQLite store, a
// fake clock and a fake transport: each notice is sent once per channel,
// a failed webhook is retried with backoff, nothing is sent twice.
#include "billing/alerts/alerts.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "billing/accounts.h"
#include "billing/alerts/alert_service.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::billing {
namespace {

constexpr UnixMicros kOneMinute = 60 * 1'000'000LL;

TenantNotice Make(std::string kind, std::string subject = "", int percent = 0) {
  TenantNotice n;
  n.kind = std::move(kind);
  n.subject = std::move(subject);
  n.percent = percent;
  return n;
}

TEST(Alerts, KeysSeparateThresholdsAndMonthsButNotReads) {
  TenantNotice free80 = Make("free_pack", "DetectPet", 80);
  TenantNotice free100 = Make("free_pack", "DetectPet", 100);
  EXPECT_EQ(AlertKey(free80, "2026-03"), "free_pack|DetectPet|80|2026-03");
  EXPECT_NE(AlertKey(free80, "2026-03"), AlertKey(free100, "2026-03"));
  EXPECT_NE(AlertKey(free80, "2026-03"), AlertKey(free80, "2026-04"));
  free80.at = 77;  // a state notice is stamped when read: the key ignores it
  EXPECT_EQ(AlertKey(free80, "2026-03"), "free_pack|DetectPet|80|2026-03");
  TenantNotice expiring = Make("pack_expiring", "pk-1");
  EXPECT_EQ(AlertKey(expiring, "2026-03"), AlertKey(expiring, "2026-04"));  // once ever
  EXPECT_EQ(AlertKey(Make("arrears"), "2026-03"), "arrears||0|2026-03");
}

TEST(Alerts, RetryDelayDoublesUpToTheCap) {
  EXPECT_EQ(RetryDelay(1, kOneMinute), kOneMinute);
  EXPECT_EQ(RetryDelay(2, kOneMinute), 2 * kOneMinute);
  EXPECT_EQ(RetryDelay(4, kOneMinute), 8 * kOneMinute);
  EXPECT_EQ(RetryDelay(9, kOneMinute),
            256 * kOneMinute > kAlertRetryCap ? kAlertRetryCap : 256 * kOneMinute);
  EXPECT_EQ(RetryDelay(1000, kOneMinute), kAlertRetryCap);
}

TEST(Alerts, SignatureIsHmacOfTimestampDotBody) {
  // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
  EXPECT_EQ(WebhookSignature("s3cret", 1700000000, R"({"a":1})"),
            "sha256=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940");
}

TEST(Alerts, BillNoticeWhileRecent) {
  store::Bill bill;
  bill.month = "2026-02";
  bill.created_at = 1000;
  bill.total_fen = 2200;
  auto n = BillSettledNotice(bill, 1000 + kMicrosPerDay);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->kind, "bill_settled");
  EXPECT_EQ(n->at, 1000);
  EXPECT_EQ(n->amount, 2200);
  EXPECT_EQ(AlertKey(*n, "2026-03"), "bill_settled|2026-02|0|");
  EXPECT_FALSE(BillSettledNotice(bill, 1000 + kBillNoticeShownFor + 1).has_value());
  EXPECT_FALSE(BillSettledNotice(std::nullopt, 1000).has_value());
}

TEST(Alerts, EmailInTheTenantsLanguageWithALink) {
  TenantNotice n = Make("spend_guard", "", 80);
  n.amount = 8000;
  n.limit = 10000;
  auto en = EmailText(n, "en", "/console/#/spend-guard", "2026-03-05T10:00:00+08:00");
  EXPECT_NE(en.subject.find("80 % of the budget (80.00 of 100.00 yuan)"), std::string::npos);
  EXPECT_NE(en.text.find("Act here: /console/#/spend-guard"), std::string::npos);
  auto zh = EmailText(n, "zh-CN", "/console/#/spend-guard", "2026-03-05T10:00:00+08:00");
  EXPECT_NE(zh.subject.find("预算的 80 %"), std::string::npos);
}

class FakeTransport : public AlertTransport {
 public:
  AlertAttempt PostWebhook(const std::string& url, const Headers& headers,
                           const std::string& body) override {
    posts.push_back({url, headers, body});
    if (fail_webhooks > 0) {
      --fail_webhooks;
      return {false, "HTTP 500"};
    }
    return {true, "HTTP 200"};
  }
  AlertAttempt SendEmail(const std::string& to, const std::string& subject,
                         const std::string&) override {
    mails.push_back(to + ": " + subject);
    return {true, "250 OK"};
  }
  struct Post {
    std::string url;
    Headers headers;
    std::string body;
  };
  std::vector<Post> posts;
  std::vector<std::string> mails;
  int fail_webhooks = 0;
};

class AlertServiceTest : public ::testing::Test {
 protected:
  static UnixMicros At(std::string_view iso) { return *ParseIso8601(iso, 8 * 3600); }
  testing::TempSqlite db_;
  FakeClock clock_{At("2026-10-01T09:00:00+08:00")};
  crypto::SecretBox box_{std::string(32, 'm')};
  AccountService accounts_{db_.store(), box_, clock_};
  BillingService billing_{db_.store(), clock_};
  TenantView view_{billing_};
  AlertService alerts_{
      db_.store(), view_, box_, clock_, {kOneMinute, "https://console.example", 100}};
  FakeTransport transport_;
};

TEST_F(AlertServiceTest, EachNoticeOncePerChannelWithRetries) {
  auto created = accounts_.Create("shop");
  ASSERT_TRUE(created.ok());
  const std::string a = created->account_id;
  ASSERT_TRUE(accounts_.Activate(a).ok());
  EXPECT_EQ(alerts_.Subscribe(a, {"x@", "", "en", {}}).status().code(),
            errc::kInvalidParameterValue);
  EXPECT_EQ(alerts_.Subscribe(a, {"", "ftp://x", "en", {}}).status().code(),
            errc::kInvalidParameterValue);
  EXPECT_EQ(alerts_.Subscribe(a, {"", "", "en", {"nope"}}).status().code(),
            errc::kInvalidParameterValue);
  auto sub = alerts_.Subscribe(a, {"ops@example.com", "https://hooks.example/k", "en", {}});
  ASSERT_TRUE(sub.ok()) << sub.status().ToString();
  ASSERT_TRUE(sub->has_value());
  EXPECT_EQ((*sub)->secret.size(), 64u);
  EXPECT_EQ(db_.RawBytes().find((*sub)->secret), std::string::npos) << "sealed, not in clear";
  EXPECT_EQ((*alerts_.Subscription(a))->secret, (*sub)->secret);

  BilledCall call{"req-1", a, "DetectPet", clock_.NowMicros(), 800};
  ASSERT_TRUE(billing_.RecordCalls(std::span<const BilledCall>(&call, 1)).ok());
  transport_.fail_webhooks = 1;
  AlertPass pass = alerts_.RunOnce(transport_);
  EXPECT_EQ(pass.new_notices, 1);
  EXPECT_EQ(pass.delivered, 1);  // the e-mail
  EXPECT_EQ(pass.retrying, 1);   // the webhook answered 500
  ASSERT_EQ(transport_.posts.size(), 1u);
  ASSERT_EQ(transport_.mails.size(), 1u);
  EXPECT_NE(transport_.mails[0].find("free pack DetectPet is 80 % used"), std::string::npos);

  // Not due again before its backoff; then delivered, signed, to the
  // address the tenant corrected meanwhile (the secret stays).
  EXPECT_EQ(alerts_.RunOnce(transport_).delivered, 0);
  ASSERT_TRUE(
      alerts_.Subscribe(a, {"ops@example.com", "https://hooks.example/new", "en", {}}).ok());
  clock_.Advance(kOneMinute);
  EXPECT_EQ(alerts_.RunOnce(transport_).delivered, 1);
  ASSERT_EQ(transport_.posts.size(), 2u);
  const auto& post = transport_.posts[1];
  EXPECT_EQ(post.url, "https://hooks.example/new");
  std::map<std::string, std::string> h(post.headers.begin(), post.headers.end());
  EXPECT_EQ(h["X-Kanjian-Signature"],
            WebhookSignature((*sub)->secret, std::stoll(h["X-Kanjian-Timestamp"]), post.body));
  auto body = nlohmann::json::parse(post.body);
  EXPECT_EQ(body["Notice"]["Kind"], "free_pack");
  EXPECT_EQ(body["Link"], "https://console.example/console/#/free-packs");

  // Nothing new: nothing sent. The log shows both attempts.
  AlertPass again = alerts_.RunOnce(transport_);
  EXPECT_EQ(again.new_notices + again.delivered, 0);
  auto log = alerts_.Deliveries(a, 10);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  const auto& hook = (*log)[0].channel == "webhook" ? (*log)[0] : (*log)[1];
  EXPECT_EQ(hook.status, "delivered");
  EXPECT_EQ(hook.target, "https://hooks.example/new");
  EXPECT_EQ(hook.attempts, 2);
  EXPECT_EQ(nlohmann::json::parse(hook.log).size(), 2u);

  // The console's notice is stamped with its first sighting.
  auto notices = view_.Notices(a);
  ASSERT_TRUE(notices.ok());
  ASSERT_TRUE(alerts_.Stamp(a, *notices).ok());
  ASSERT_FALSE(notices->empty());
  EXPECT_EQ(notices->front().since, At("2026-10-01T09:00:00+08:00"));
}

TEST_F(AlertServiceTest, AFailingReceiverIsTriedOncePerPass) {
  auto created = accounts_.Create("shop");
  ASSERT_TRUE(created.ok());
  const std::string a = created->account_id;
  ASSERT_TRUE(accounts_.Activate(a).ok());
  ASSERT_TRUE(alerts_.Subscribe(a, {"", "https://hooks.example/k", "en", {}}).ok());
  BilledCall call{"req-1", a, "DetectPet", clock_.NowMicros(), 1000};
  ASSERT_TRUE(billing_.RecordCalls(std::span<const BilledCall>(&call, 1)).ok());
  ASSERT_TRUE(billing_.SetSpendBudget(a, 0).ok());  // two notices: free pack 100 %, guard 100 %
  transport_.fail_webhooks = 1;
  AlertPass first = alerts_.RunOnce(transport_);
  EXPECT_EQ(first.new_notices, 2);
  EXPECT_EQ(transport_.posts.size(), 1u) << "the second waits for the next pass";
  AlertPass second = alerts_.RunOnce(transport_);
  EXPECT_EQ(second.delivered, 1);
  clock_.Advance(kOneMinute);
  EXPECT_EQ(alerts_.RunOnce(transport_).delivered, 1);
}

TEST_F(AlertServiceTest, AReceiverThatAlwaysFailsIsGivenUpOn) {
  auto created = accounts_.Create("shop");
  ASSERT_TRUE(created.ok());
  const std::string a = created->account_id;
  ASSERT_TRUE(accounts_.Activate(a).ok());
  ASSERT_TRUE(alerts_.Subscribe(a, {"", "https://hooks.example/k", "en", {"free_pack"}}).ok());
  BilledCall call{"req-1", a, "DetectPet", clock_.NowMicros(), 1000};
  ASSERT_TRUE(billing_.RecordCalls(std::span<const BilledCall>(&call, 1)).ok());
  transport_.fail_webhooks = 1000;
  int64_t failed = 0;
  for (int i = 0; i < 40; ++i) {
    failed += alerts_.RunOnce(transport_).failed;
    clock_.Advance(kAlertRetryCap);
  }
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(static_cast<int64_t>(transport_.posts.size()), kAlertMaxAttempts);
}

}  // namespace
}  // namespace kanjian::billing
