// The tenant and operator consoles speak the billing time zone, the
// catalog's utc_offset setting: the session states its offset and every
// time is written in it, whatever the zone (here New York's winter, -05:00).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "billing/accounts.h"
#include "billing/rules/catalog.h"
#include "billing/views/operator_view.h"
#include "billing/views/tenant_view.h"
#include "common/crypto.h"
#include "common/iso8601.h"
#include "server/console/console_api.h"
#include "server/console/operator_api.h"
#include "tests/support/temp_sqlite.h"

namespace kanjian::server::console {
namespace {

constexpr int kMinus5 = -5 * 3600;
constexpr char kClient[] = "198.51.100.9";

class ConsoleZoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A catalog version in the -05:00 zone, in force from 31 days on.
    nlohmann::json doc = billing::Catalog::Bundled().versions().back().document;
    doc["version"] = "2026-11-02";
    doc["effective_from"] = "2026-11-02T00:00:00-05:00";
    doc["settings"]["utc_offset"] = "-05:00";
    auto published = billing_.PublishCatalog(doc);
    ASSERT_TRUE(published.ok()) << published.status().ToString();
    clock_.Advance(int64_t{40} * kMicrosPerDay);
    ASSERT_EQ(*tenant_view_.OffsetNow(), kMinus5);

    ASSERT_TRUE(accounts_.Create("shop").ok());
    ASSERT_TRUE(tenants_.Add("shop", "alice", "correct horse battery").ok());
    ASSERT_TRUE(operators_.Add("", "root", "correct horse battery").ok());
  }
  static HttpRequest Get(const std::string& path, const std::string& cookie) {
    HttpRequest req;
    req.method = "GET";
    req.path = path;
    req.headers["cookie"] = cookie;
    req.peer_address = kClient;
    return req;
  }

  testing::TempSqlite db_;
  FakeClock clock_{*ParseIso8601("2026-10-01T09:00:00+08:00", 8 * 3600)};
  crypto::SecretBox box_{std::string(32, 'z')};
  billing::AccountService accounts_{db_.store(), box_, clock_};
  billing::BillingService billing_{db_.store(), clock_};
  billing::TenantView tenant_view_{billing_};
  billing::OperatorView operator_view_{billing_};
  auth::ConsoleUsers tenants_{db_.store(), clock_};
  auth::ConsoleUsers operators_{db_.store(), clock_, auth::Realm::kOperator};
};

TEST_F(ConsoleZoneTest, TheTenantSessionStatesTheBillingZoneAndItsTimesAreInIt) {
  auto signed_in = tenants_.SignIn("alice", "correct horse battery", kClient);
  ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
  ConsoleApi api(tenants_, tenant_view_, accounts_, clock_);
  HttpResponse res =
      api.Handle(Get("/console/api/session", std::string(kCookieName) + "=" + signed_in->cookie));
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["UtcOffsetSeconds"], kMinus5);
  EXPECT_TRUE(body["ExpiresAt"].get<std::string>().ends_with("-05:00")) << body["ExpiresAt"];
}

TEST_F(ConsoleZoneTest, TheOperatorSessionStatesTheBillingZoneAndItsTimesAreInIt) {
  auto signed_in = operators_.SignIn("root", "correct horse battery", kClient);
  ASSERT_TRUE(signed_in.ok()) << signed_in.status().ToString();
  OperatorApi api(operators_, billing_, accounts_, operator_view_, db_.store(), nullptr, clock_);
  HttpResponse res = api.Handle(Get(std::string(kOperatorApiPrefix) + "session",
                                    std::string(kOperatorCookieName) + "=" + signed_in->cookie));
  ASSERT_EQ(res.status, 200) << res.body;
  const auto body = nlohmann::json::parse(res.body);
  EXPECT_EQ(body["UtcOffsetSeconds"], kMinus5);
  EXPECT_TRUE(body["ExpiresAt"].get<std::string>().ends_with("-05:00")) << body["ExpiresAt"];
}

}  // namespace
}  // namespace kanjian::server::console
