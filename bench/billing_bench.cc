// Billing throughput on the real SQLite store (WAL, synchronous=FULL):
//  1. attribution + durable recording of billed calls, through the group-
//     commit meter from many threads (what the server does) and as direct
//     batches (the ceiling), against a baseline of plain usage inserts;
//     Request ids are UUIDv7, as the server makes them (time-ordered keys).
//  2. `bill run` over N accounts × 8 actions (target: 100 000 in ≤ 10 s).
//
//  3. with --pg URI: the same direct batches and meter on PostgreSQL, as
//     ratios to SQLite's figures of this run; one call per
//     transaction on both (the added latency per billed call); and two
//     stores ("nodes") writing the same accounts at once (retries counted
//     by outcome: every call recorded once). bench/pg_billing_bench.sh
//     starts a durable throwaway server (fsync on) and runs this.
//
//   bench/billing_bench [--accounts N] [--calls N]
//                       [--phase baseline|direct|meter|bills|pg|pg-only]
//                       [--pg postgresql://…] [--keep 1]
//  --keep 1 leaves the databases in $TMPDIR/kanjian_billing_bench (calls.db
//  holds the billed calls: a realistic database to time `kanjian backup` on).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "billing/billing.h"
#include "billing/usage_meter.h"
#include "common/ids.h"
#include "common/iso8601.h"
#include "store/pg/pg_store.h"

namespace kanjian {
namespace {

using Steady = std::chrono::steady_clock;
double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

const char* kActions[] = {"RecognizeCar",      "RecognizeCarPro", "DetectProduct",
                          "DetectProductBeta", "DetectEnvelope",  "DetectPet",
                          "DetectChefDress",   "DetectSecurity"};

std::unique_ptr<store::Store> FreshStore(const std::filesystem::path& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
  auto s = store::OpenSqliteStore(path.string());
  if (!s.ok()) {
    std::fprintf(stderr, "bench: %s\n", s.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(s).value();
}

// Inserts `n` active accounts in one transaction (setup, not measured).
std::vector<std::string> MakeAccounts(store::Store& store, int n, UnixMicros at) {
  std::vector<std::string> ids;
  Status s = store.Write([&](store::Txn& txn) -> Status {
    for (int i = 0; i < n; ++i) {
      char id[32];
      std::snprintf(id, sizeof id, "acc-%08d", i);
      ids.push_back(id);
      if (Status st = txn.InsertAccount({id, id, store::AccountStatus::kActive, at, at, ""});
          !st.ok())
        return st;
    }
    return Status::Ok();
  });
  if (!s.ok()) std::exit(1);
  return ids;
}

std::vector<billing::BilledCall> MakeCalls(const std::vector<std::string>& ids, int n,
                                           UnixMicros at) {
  std::vector<billing::BilledCall> calls;
  calls.reserve(n);
  for (int i = 0; i < n; ++i)
    calls.push_back({ids::NewRequestId(), ids[i % ids.size()], kActions[i % 8], at, 1});
  return calls;
}

// Mean microseconds of one billed call in its own transaction (no group
// commit): what a lone call adds to its answer.
double SingleCallMicros(billing::BillingService& billing, const std::vector<std::string>& ids,
                        UnixMicros at) {
  const auto calls = MakeCalls(ids, 400, at);
  auto start = Steady::now();
  for (const auto& c : calls) {
    if (!billing.RecordCalls(std::span(&c, 1)).ok()) std::exit(1);
  }
  return Seconds(start) * 1e6 / calls.size();
}

int PgPhase(const std::string& uri, int calls_n, UnixMicros t0, FakeClock& clock,
            double sqlite_direct, double sqlite_meter, double sqlite_single_us) {
  auto opened = store::pg::OpenPgStore(uri);
  if (!opened.ok()) {
    std::fprintf(stderr, "bench: %s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto store = std::move(opened).value();
  // Accounts of their own, so a database reused across runs still works.
  std::vector<std::string> ids;
  const std::string run = std::to_string(t0 ^ Steady::now().time_since_epoch().count());
  Status made = store->Write([&](store::Txn& txn) -> Status {
    ids.clear();
    for (int i = 0; i < 100; ++i) {
      std::string id = "pgb-" + run + "-" + std::to_string(i);
      ids.push_back(id);
      if (Status st = txn.InsertAccount({id, id, store::AccountStatus::kActive, t0, t0, ""});
          !st.ok())
        return st;
    }
    return Status::Ok();
  });
  if (!made.ok()) return 1;
  billing::BillingService billing(*store, clock);
  constexpr size_t kBatch = 512;
  {
    const auto calls = MakeCalls(ids, calls_n, t0);
    auto start = Steady::now();
    for (size_t i = 0; i < calls.size(); i += kBatch) {
      Status s =
          billing.RecordCalls(std::span(calls).subspan(i, std::min(kBatch, calls.size() - i)));
      if (!s.ok()) {
        std::fprintf(stderr, "bench: %s\n", s.ToString().c_str());
        return 1;
      }
    }
    const double rate = calls_n / Seconds(start);
    std::printf(
        "{\"bench\":\"pg_attribute_record_batches\",\"calls\":%d,\"batch\":%zu,\"calls_per_s\":%."
        "0f,"
        "\"target\":20000,\"vs_sqlite\":%.2f}\n",
        calls_n, kBatch, rate, sqlite_direct > 0 ? rate / sqlite_direct : 0);
  }
  // The meter's group commit is as large as the callers waiting at once:
  // 64 threads (as SQLite's figure), then 256 (a busier node).
  for (int threads_n : {64, 256}) {
    const auto calls = MakeCalls(ids, calls_n, t0);
    billing::UsageMeter meter(billing, 4096);
    std::atomic<int> next{0};
    auto start = Steady::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < threads_n; ++t) {
      threads.emplace_back([&] {
        for (int i = next++; i < calls_n; i = next++) {
          if (!meter.Record(calls[i]).ok()) std::exit(1);
        }
      });
    }
    for (auto& th : threads) th.join();
    const double rate = calls_n / Seconds(start);
    std::printf(
        "{\"bench\":\"pg_meter_%d_threads\",\"calls\":%d,\"calls_per_s\":%.0f,\"batches\":%llu,"
        "\"calls_per_batch\":%.1f,\"vs_sqlite_64_threads\":%.2f}\n",
        threads_n, calls_n, rate, static_cast<unsigned long long>(meter.batches_written()),
        static_cast<double>(calls_n) / std::max<uint64_t>(1, meter.batches_written()),
        sqlite_meter > 0 ? rate / sqlite_meter : 0);
  }
  {
    const double us = SingleCallMicros(billing, ids, t0);
    std::printf(
        "{\"bench\":\"single_call_latency\",\"sqlite_us\":%.0f,\"pg_us\":%.0f,\"added_us\":%.0f}\n",
        sqlite_single_us, us, us - sqlite_single_us);
  }
  {
    // Two nodes, the same accounts, batches at once: serialization failures
    // are retried inside Write; what counts is that both finish and every
    // call is recorded once.
    auto other = store::pg::OpenPgStore(uri);
    if (!other.ok()) return 1;
    billing::BillingService second(**other, clock);
    const auto calls_a = MakeCalls(ids, calls_n / 2, t0), calls_b = MakeCalls(ids, calls_n / 2, t0);
    std::atomic<bool> failed{false};
    auto drive = [&](billing::BillingService& b, const std::vector<billing::BilledCall>& calls) {
      for (size_t i = 0; i < calls.size(); i += kBatch) {
        Status s = b.RecordCalls(std::span(calls).subspan(i, std::min(kBatch, calls.size() - i)));
        if (!s.ok()) {
          std::fprintf(stderr, "bench: %s\n", s.ToString().c_str());
          failed = true;
          return;
        }
      }
    };
    auto start = Steady::now();
    std::thread a([&] { drive(billing, calls_a); });
    std::thread b([&] { drive(second, calls_b); });
    a.join();
    b.join();
    const double rate = (calls_a.size() + calls_b.size()) / Seconds(start);
    std::printf(
        "{\"bench\":\"pg_two_nodes_same_accounts\",\"calls\":%zu,\"calls_per_s\":%.0f,\"ok\":%s}\n",
        calls_a.size() + calls_b.size(), rate, failed ? "false" : "true");
    if (failed) return 1;
  }
  return 0;
}

int Main(int argc, char** argv) {
  int accounts_n = 100000;
  int calls_n = 200000;
  std::string phase;   // "" = all; for profiling one: baseline|direct|meter|bills|pg
  std::string pg_uri;  // "" = no PostgreSQL phase
  bool keep = false;   // leave the databases for inspection
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--phase") phase = argv[i + 1];
    if (flag == "--accounts") accounts_n = std::stoi(argv[i + 1]);
    if (flag == "--calls") calls_n = std::stoi(argv[i + 1]);
    if (flag == "--pg") pg_uri = argv[i + 1];
    if (flag == "--keep") keep = std::string(argv[i + 1]) == "1";
  }
  const auto dir = std::filesystem::temp_directory_path() / "kanjian_billing_bench";
  std::filesystem::create_directories(dir);
  const UnixMicros t0 = *ParseIso8601("2026-10-05T10:00:00+08:00", 0);
  FakeClock clock(t0);
  std::printf("{\"machine\":\"%u cores\",\"store\":\"sqlite wal synchronous=full\"}\n",
              std::thread::hardware_concurrency());

  double sqlite_direct = 0, sqlite_meter = 0, sqlite_single_us = 0;
  // --- 1. Attribution and durable recording -------------------------------
  {
    auto store = FreshStore(dir / "calls.db");
    auto ids = MakeAccounts(*store, 100, t0);
    billing::BillingService billing(*store, clock);

    // The pg phase runs these too: its figures are ratios to them.
    auto run = [&](const char* name) { return phase.empty() || phase == name || phase == "pg"; };
    // The calls are made before the clock starts (UUIDv7 request ids, as the
    // server makes them): what is timed is the store and billing only.
    auto make_calls = [&](int n) {
      std::vector<billing::BilledCall> calls;
      calls.reserve(n);
      for (int i = 0; i < n; ++i)
        calls.push_back({ids::NewRequestId(), ids[i % ids.size()], kActions[i % 8], t0, 1});
      return calls;
    };
    constexpr size_t kBatch = 512;
    // Baseline: plain inserts of the same calls' usage rows (no attribution).
    double base_rate = 0;
    if (run("baseline")) {
      std::vector<std::vector<store::UsageRecord>> batches;
      for (const auto& c : make_calls(calls_n)) {
        if (batches.empty() || batches.back().size() == kBatch) batches.emplace_back();
        batches.back().push_back(
            {c.request_id, c.account_id, c.action, c.at, 1, store::UsageSource::kPostpaid, ""});
      }
      auto start = Steady::now();
      for (const auto& batch : batches) {
        if (!store->AppendUsage(batch).ok()) return 1;
      }
      base_rate = calls_n / Seconds(start);
      std::printf(
          "{\"bench\":\"usage_insert_baseline\",\"calls\":%d,\"batch\":%zu,\"calls_per_s\":%.0f}\n",
          calls_n, kBatch, base_rate);
    }

    // The same batches through attribution (free pack → packs → post-paid).
    if (run("direct")) {
      const auto calls = make_calls(calls_n);
      auto start = Steady::now();
      for (size_t i = 0; i < calls.size(); i += kBatch) {
        if (!billing.RecordCalls(std::span(calls).subspan(i, std::min(kBatch, calls.size() - i)))
                 .ok())
          return 1;
      }
      const double direct_rate = calls_n / Seconds(start);
      sqlite_direct = direct_rate;
      std::printf(
          "{\"bench\":\"attribute_record_batches\",\"calls\":%d,\"batch\":%zu,\"calls_per_s\":%.0f,"
          "\"target\":50000,\"vs_baseline\":%.2f}\n",
          calls_n, kBatch, direct_rate, direct_rate / base_rate);
    }

    // The server's path: one call per Record() from 64 threads, group commit.
    if (run("meter")) {
      const auto calls = make_calls(calls_n);
      billing::UsageMeter meter(billing, 4096);
      std::atomic<int> next{0};
      auto start = Steady::now();
      std::vector<std::thread> threads;
      for (int t = 0; t < 64; ++t) {
        threads.emplace_back([&] {
          for (int i = next++; i < calls_n; i = next++) {
            if (!meter.Record(calls[i]).ok()) std::exit(1);
          }
        });
      }
      for (auto& th : threads) th.join();
      const double meter_rate = calls_n / Seconds(start);
      sqlite_meter = meter_rate;
      std::printf(
          "{\"bench\":\"meter_64_threads\",\"calls\":%d,\"calls_per_s\":%.0f,\"batches\":%llu,"
          "\"vs_baseline\":%.2f}\n",
          calls_n, meter_rate, static_cast<unsigned long long>(meter.batches_written()),
          meter_rate / base_rate);
    }
  }

  // pg-only: PostgreSQL alone, no SQLite figures (for profiling it).
  if (!pg_uri.empty() && phase == "pg-only") return PgPhase(pg_uri, calls_n, t0, clock, 0, 0, 0);
  if (!pg_uri.empty() && (phase.empty() || phase == "pg")) {
    auto store = FreshStore(dir / "single.db");
    auto ids = MakeAccounts(*store, 100, t0);
    billing::BillingService billing(*store, clock);
    sqlite_single_us = SingleCallMicros(billing, ids, t0);
    if (int rc = PgPhase(pg_uri, calls_n, t0, clock, sqlite_direct, sqlite_meter, sqlite_single_us);
        rc != 0)
      return rc;
  }

  // --- 2. bill run over N accounts × 8 actions --------------------------------
  if (phase.empty() || phase == "bills") {
    auto store = FreshStore(dir / "bills.db");
    auto ids = MakeAccounts(*store, accounts_n, t0);
    billing::BillingService billing(*store, clock);
    auto start = Steady::now();
    std::vector<billing::BilledCall> calls;
    for (size_t a = 0; a < ids.size(); ++a) {
      for (int k = 0; k < 8; ++k) {
        calls.push_back({"imp-" + std::to_string(a) + "-" + std::to_string(k), ids[a], kActions[k],
                         t0, static_cast<int64_t>(500 + (a * 37 + k * 101) % 5000)});
      }
      if (calls.size() >= 8000 || a + 1 == ids.size()) {
        if (!billing.RecordCalls(calls).ok()) return 1;
        calls.clear();
      }
    }
    std::printf("{\"bench\":\"setup_usage\",\"accounts\":%d,\"seconds\":%.1f}\n", accounts_n,
                Seconds(start));
    clock.Set(*ParseIso8601("2026-11-01T00:00:10+08:00", 0));
    start = Steady::now();
    auto created = billing.RunBills({2026, 10});
    const double run_s = Seconds(start);
    if (!created.ok()) {
      std::fprintf(stderr, "bench: %s\n", created.status().ToString().c_str());
      return 1;
    }
    start = Steady::now();
    auto again = billing.RunBills({2026, 10});
    const double rerun_s = Seconds(start);
    std::printf(
        "{\"bench\":\"bill_run\",\"accounts\":%d,\"actions\":8,\"bills\":%lld,\"seconds\":%.2f,"
        "\"target_s\":10,\"rerun_bills\":%lld,\"rerun_seconds\":%.2f}\n",
        accounts_n, static_cast<long long>(*created), run_s,
        static_cast<long long>(again.ok() ? *again : -1), rerun_s);
  }
  if (!keep) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace kanjian

int main(int argc, char** argv) {
  return kanjian::Main(argc, argv);
}
