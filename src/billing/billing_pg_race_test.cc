// Races across nodes on PostgreSQL: each racer is a node, with
// its own PgStore (its own connections) and BillingService (its own
// attribution cache), on one real PostgreSQL database. Write transactions
// are SERIALIZABLE and retried, so whoever loses a race sees the winner's
// commit and is refused by name: never overdrawn, never doubled, and the
// audit is clean after every test.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <functional>
#include <thread>

#include "billing/accounts.h"
#include "billing/billing.h"
#include "common/crypto.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "store/pg/pg_store.h"
#include "tests/support/pg_test_env.h"

namespace kanjian::billing {
namespace {

constexpr int kNodes = 4;

class PgRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string name =
        std::string("r_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    uri_ = store::pg::PgTestServer::FreshDatabase(name.substr(0, 60));
    for (int i = 0; i < kNodes; ++i) {
      auto s = store::pg::OpenPgStore(uri_);
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      stores_.push_back(std::move(s).value());
      nodes_.push_back(std::make_unique<BillingService>(*stores_.back(), clock_));
    }
    AccountService accounts(*stores_[0], box_, clock_);
    auto created = accounts.Create("shop");
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    account_ = created->account_id;
    ASSERT_TRUE(accounts.Activate(account_).ok());
  }
  void TearDown() override {
    if (nodes_.empty()) return;
    auto report = nodes_[0]->Audit();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    for (const auto& p : report->problems) ADD_FAILURE() << "audit: " << p;
  }

  // Runs fn(node i) on every node at once; each one's error code.
  std::vector<ErrorCode> Race(const std::function<Status(BillingService&, int)>& fn) {
    std::vector<ErrorCode> codes(kNodes);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kNodes; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready.load() < kNodes) std::this_thread::yield();
        Status s = fn(*nodes_[i], i);
        codes[i] = s.code();
        if (!s.ok() && s.code() == errc::kInternalError) ADD_FAILURE() << s.ToString();
      });
    }
    for (auto& t : threads) t.join();
    return codes;
  }
  static int Count(const std::vector<ErrorCode>& codes, ErrorCode code) {
    return static_cast<int>(std::count(codes.begin(), codes.end(), code));
  }
  BillingService& node(int i) { return *nodes_[i]; }
  UsageByAction Usage(const std::string& action) {
    auto usage = node(0).UsageForMonth(account_, MonthOf(clock_.NowMicros(), 8 * 3600));
    EXPECT_TRUE(usage.ok());
    for (const auto& u : *usage)
      if (u.action == action) return u;
    return {};
  }
  int64_t FreeQuota(const std::string& action) {
    auto packs = node(0).ListPacks(account_);
    EXPECT_TRUE(packs.ok());
    for (const auto& p : *packs)
      if (p.kind == store::PackKind::kFree &&
          std::count(p.actions.begin(), p.actions.end(), action))
        return p.calls;
    return 0;
  }

  std::string uri_;
  crypto::SecretBox box_{std::string(32, 'k')};
  FakeClock clock_{*ParseIso8601("2026-10-05T10:00:00+08:00", 0)};
  std::vector<std::unique_ptr<store::Store>> stores_;
  std::vector<std::unique_ptr<BillingService>> nodes_;
  std::string account_;
};

TEST_F(PgRaceTest, OneBalanceBuysOnePackFromEveryNodeAtOnce) {
  ASSERT_TRUE(node(0).Recharge(account_, 73000, "cash", "").ok());  // one 10 000-call pack
  auto codes = Race([&](BillingService& b, int) {
    return b.BuyPack(account_, "RecognizeCarPro", 10000, "", "", "").status();
  });
  EXPECT_EQ(Count(codes, errc::kOk), 1);
  EXPECT_EQ(Count(codes, errc::kInsufficientBalance), kNodes - 1);
  EXPECT_EQ(node(1).ViewAccount(account_)->balance.cash, 0);
}

TEST_F(PgRaceTest, OneVoucherPaysOnce) {
  auto voucher = node(0).GrantVoucher(account_, 73000, std::nullopt, "");
  ASSERT_TRUE(voucher.ok());
  auto codes = Race([&](BillingService& b, int) {
    return b.BuyPack(account_, "RecognizeCarPro", 10000, *voucher, "", "").status();
  });
  EXPECT_EQ(Count(codes, errc::kOk), 1);
  EXPECT_EQ(Count(codes, errc::kInsufficientBalance), kNodes - 1);
  auto packs = node(2).ListPacks(account_);
  ASSERT_TRUE(packs.ok());
  EXPECT_EQ(std::count_if(packs->begin(), packs->end(),
                          [](auto& p) { return p.kind == store::PackKind::kPurchased; }),
            1);
}

TEST_F(PgRaceTest, APackIsRefundedOnce) {
  ASSERT_TRUE(node(0).Recharge(account_, 73000, "cash", "").ok());
  auto bought = node(0).BuyPack(account_, "RecognizeCarPro", 10000, "", "", "");
  ASSERT_TRUE(bought.ok());
  auto codes = Race([&](BillingService& b, int) { return b.RefundPack(bought->pack.id).status(); });
  EXPECT_EQ(Count(codes, errc::kOk), 1);
  EXPECT_EQ(Count(codes, errc::kAlreadyRefunded), kNodes - 1);
  EXPECT_EQ(node(3).ViewAccount(account_)->balance.cash, 73000);  // back once
}

// The month's free packs are issued by whichever node first needs them, and
// only once (their ids are fixed per account, month and group).
TEST_F(PgRaceTest, TheFreePackIsIssuedOnceWhenNodesNeedItAtOnce) {
  clock_.Set(*ParseIso8601("2026-11-01T00:00:01+08:00", 0));  // a month nobody has touched
  auto codes = Race([&](BillingService& b, int i) {
    BilledCall call{"first-" + std::to_string(i), account_, "DetectPet", clock_.NowMicros(), 1};
    return b.RecordCalls(std::span(&call, 1));
  });
  EXPECT_EQ(Count(codes, errc::kOk), kNodes);
  auto packs = node(0).ListPacks(account_);
  ASSERT_TRUE(packs.ok());
  std::map<std::string, int> free_per_group;
  for (const auto& p : *packs)
    if (p.kind == store::PackKind::kFree && p.created_at >= clock_.NowMicros() - 2'000'000)
      ++free_per_group[p.free_group];
  ASSERT_FALSE(free_per_group.empty());
  for (const auto& [group, n] : free_per_group) EXPECT_EQ(n, 1) << group;
  EXPECT_EQ(Usage("DetectPet").free, kNodes);
}

// The last calls of a pack, drawn by every node at once in batches (as each
// node's usage meter writes them): the pack pays exactly its calls, the
// rest is post-paid, every call is recorded once.
TEST_F(PgRaceTest, TheLastCallsOfAPackAreDrawnOnceAcrossNodes) {
  const std::string car = "RecognizeCarPro";
  const int64_t quota = FreeQuota(car);
  BilledCall use_free{"use-free", account_, car, clock_.NowMicros(), quota};
  ASSERT_TRUE(node(0).RecordCalls(std::span(&use_free, 1)).ok());
  ASSERT_TRUE(node(0).GrantPack(account_, car, 10, 1, "").ok());
  // Every node has the account's packs cached before the race.
  for (int i = 0; i < kNodes; ++i) {
    BilledCall warm{"warm-" + std::to_string(i), account_, "DetectPet", clock_.NowMicros(), 1};
    ASSERT_TRUE(node(i).RecordCalls(std::span(&warm, 1)).ok());
  }
  constexpr int kBatches = 5, kCallsPerBatch = 3;  // 4 nodes x 15 calls for 10 pack calls
  auto codes = Race([&](BillingService& b, int i) -> Status {
    for (int batch = 0; batch < kBatches; ++batch) {
      std::vector<BilledCall> calls;
      for (int c = 0; c < kCallsPerBatch; ++c)
        calls.push_back(
            {"n" + std::to_string(i) + "-" + std::to_string(batch) + "-" + std::to_string(c),
             account_, car, clock_.NowMicros(), 1});
      // A retry of another node's call on this node: recorded once.
      if (batch == 2) calls.push_back({"n0-1-0", account_, car, clock_.NowMicros(), 1});
      if (Status s = b.RecordCalls(calls); !s.ok()) return s;
    }
    return Status::Ok();
  });
  EXPECT_EQ(Count(codes, errc::kOk), kNodes);
  const UsageByAction u = Usage(car);
  EXPECT_EQ(u.total, quota + kNodes * kBatches * kCallsPerBatch);
  EXPECT_EQ(u.free, quota);
  EXPECT_EQ(u.pack, 10);
  EXPECT_EQ(u.postpaid, kNodes * kBatches * kCallsPerBatch - 10);
}

// A pack bought on one node pays the very next call on another, whose
// cache held the account's packs from before.
TEST_F(PgRaceTest, APackBoughtOnAnotherNodePaysTheNextCall) {
  const std::string car = "RecognizeCarPro";
  const int64_t quota = FreeQuota(car);
  BilledCall use_free{"use-free", account_, car, clock_.NowMicros(), quota + 1};
  ASSERT_TRUE(node(0).RecordCalls(std::span(&use_free, 1)).ok());  // cached; one post-paid
  ASSERT_TRUE(node(1).Recharge(account_, 73000, "cash", "").ok());
  ASSERT_TRUE(node(1).BuyPack(account_, car, 10000, "", "", "").ok());
  BilledCall next{"next", account_, car, clock_.NowMicros(), 2};
  ASSERT_TRUE(node(0).RecordCalls(std::span(&next, 1)).ok());
  EXPECT_EQ(Usage(car).pack, 2);
  EXPECT_EQ(Usage(car).postpaid, 1);
}

// Every node runs the month's bills at once: one bill, one deduction.
TEST_F(PgRaceTest, SettlementRunsOnceHoweverManyNodesTry) {
  const int64_t quota = FreeQuota("DetectPet");
  BilledCall calls{"many", account_, "DetectPet", clock_.NowMicros(), quota + 5000};
  ASSERT_TRUE(node(0).RecordCalls(std::span(&calls, 1)).ok());
  clock_.Set(*ParseIso8601("2026-11-02T00:00:00+08:00", 0));
  std::atomic<int64_t> created{0};
  auto codes = Race([&](BillingService& b, int) -> Status {
    auto n = b.RunBills(Month{2026, 10});
    if (n.ok()) created += *n;
    return n.status();
  });
  EXPECT_EQ(Count(codes, errc::kOk), kNodes);
  EXPECT_EQ(created.load(), 1);
  auto bill = node(2).ShowBill(account_, Month{2026, 10});
  ASSERT_TRUE(bill.ok());
  EXPECT_GT(bill->total, 0);
  EXPECT_EQ(node(3).ViewAccount(account_)->balance.cash, -bill->total);  // deducted once
}

// `kanjian usage detach`: a UTC month leaves the call log only once every
// billing month holding one of its instants is settled; the bills, the
// month's usage and each pack's count stay as they were (the audit in
// TearDown checks the packs against the records and the detached sums), and
// a call stamped in the detached month is refused, not billed.
TEST_F(PgRaceTest, ABilledMonthLeavesTheCallLogAndTheBooksStayWhole) {
  auto at = [](const char* iso) { return *ParseIso8601(iso, 0); };
  auto record = [&](const std::string& id, UnixMicros when, int on = 1) {
    clock_.Set(when);
    BilledCall call{id, account_, "DetectPet", when, 1};
    return node(on).RecordCalls(std::span(&call, 1));
  };
  ASSERT_TRUE(record("oct", at("2026-10-05T10:00:00+08:00")).ok());
  // UTC October's last 8 hours are billing November's first.
  ASSERT_TRUE(record("nov-early", at("2026-11-01T03:00:00+08:00")).ok());
  ASSERT_TRUE(record("nov", at("2026-11-10T12:00:00+08:00")).ok());
  const Month october{2026, 10}, november{2026, 11};
  auto october_usage = node(0).UsageForMonth(account_, october);
  ASSERT_TRUE(october_usage.ok());

  clock_.Set(at("2026-11-20T00:00:00+08:00"));
  EXPECT_EQ(node(0).DetachUsageMonth(october).status().code(), errc::kMonthNotEnded);
  clock_.Set(at("2026-12-02T00:00:00+08:00"));
  EXPECT_EQ(node(0).DetachUsageMonth(october).status().code(), errc::kMonthNotSettled);
  ASSERT_TRUE(node(2).RunBills(october).ok());
  auto unsettled = node(0).DetachUsageMonth(october);
  EXPECT_EQ(unsettled.status().code(), errc::kMonthNotSettled);
  EXPECT_NE(unsettled.status().message().find("2026-11"), std::string::npos)
      << unsettled.status().message();
  ASSERT_TRUE(node(2).RunBills(november).ok());

  auto detached = node(0).DetachUsageMonth(october);
  ASSERT_TRUE(detached.ok()) << detached.status().ToString();
  EXPECT_EQ(detached->table, "usage_records_2026_10");
  EXPECT_EQ(detached->records, 2);  // "oct" and "nov-early"
  clock_.Advance(kMicrosPerHour);
  auto again = node(3).DetachUsageMonth(october);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->detached_at, detached->detached_at);

  auto log =
      stores_[0]->ListUsage(account_, at("2026-10-01T00:00:00Z"), at("2026-12-01T00:00:00Z"));
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].request_id, "nov");
  auto after = node(0).UsageForMonth(account_, october);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), october_usage->size());
  EXPECT_EQ((*after)[0].total, (*october_usage)[0].total);
  auto rerun = node(0).RunBills(october);
  ASSERT_TRUE(rerun.ok());
  EXPECT_EQ(*rerun, 0);

  // A late call stamped in the detached month is refused, on a node that
  // made the partition (and still lists it) as on one that asks anew.
  for (int i : {1, 3}) {
    Status late = record("late-" + std::to_string(i), at("2026-10-20T00:00:00Z"), i);
    EXPECT_EQ(late.code(), errc::kInvalidParameterValue) << "node " << i << ": " << late.ToString();
  }
  clock_.Set(at("2026-12-02T01:00:00+08:00"));
  auto still = node(0).UsageForMonth(account_, october);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ((*still)[0].total, (*october_usage)[0].total);
}

// The key cache (AccountService::Authenticate, pg_key_watch.h): a key read
// once is served with no round trip, and a key disabled or enabled through
// another node is seen here as soon as PostgreSQL's NOTIFY arrives: an
// entry never outlives a change.
TEST_F(PgRaceTest, AKeyChangedOnOneNodeIsSeenOnEveryNode) {
  AccountService here(*stores_[1], box_, clock_), there(*stores_[2], box_, clock_);
  auto key = here.CreateKey(account_);
  ASSERT_TRUE(key.ok());
  const std::string id = key->secret_id;
  auto eventually = [](const std::function<bool()>& done) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done() && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return done();
  };
  ASSERT_TRUE(eventually([&] {
    const uint64_t before = store::pg::PgRoundTrips();
    auto caller = here.Authenticate(id);
    return caller.ok() && caller->secret_key == key->secret_key &&
           store::pg::PgRoundTrips() == before;
  })) << "a cached key is served without the store";
  ASSERT_TRUE(there.DisableKey(id).ok());
  EXPECT_TRUE(eventually([&] {
    return here.Authenticate(id).status().code() == errc::kSecretIdNotFound;
  })) << "the disable on another node reached this one";
  ASSERT_TRUE(there.EnableKey(id).ok());
  EXPECT_TRUE(eventually([&] { return here.Authenticate(id).ok(); }));
  // Disabled here: refused here at once, not after the signal.
  ASSERT_TRUE(here.Authenticate(id).ok());
  ASSERT_TRUE(here.DisableKey(id).ok());
  EXPECT_EQ(here.Authenticate(id).status().code(), errc::kSecretIdNotFound);
}

}  // namespace
}  // namespace kanjian::billing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new kanjian::store::pg::PgTestServer);
  return RUN_ALL_TESTS();
}
