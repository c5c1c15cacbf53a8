// Billing throughput on the real SQLite store (WAL, synchronous=FULL):
//  1. attribution + durable recording of billed calls, through the group-
//     commit meter from many threads (what the server does) and as direct
//     batches (the ceiling), against a baseline of plain usage inserts;
//     Request ids are UUIDv7, as the server makes them (time-ordered keys).
//  2. `bill run` over N accounts × 8 actions (target: 100 000 in ≤ 10 s).
//
//   bench/billing_bench [--accounts N] [--calls N] [--phase baseline|direct|meter|bills]
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

namespace kanjian {
namespace {

using Steady = std::chrono::steady_clock;
double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

const char* kActions[] = {"RecognizeCar",      "RecognizeCarPro", "DetectProduct",   "DetectProductBeta",
                          "DetectEnvelope",    "DetectPet",       "DetectChefDress", "DetectSecurity"};

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
      if (Status st = txn.InsertAccount({id, id, store::AccountStatus::kActive, at, at, ""}); !st.ok())
        return st;
    }
    return Status::Ok();
  });
  if (!s.ok()) std::exit(1);
  return ids;
}

int Main(int argc, char** argv) {
  int accounts_n = 100000;
  int calls_n = 200000;
  std::string phase;  // "" = all; for profiling one: baseline|direct|meter|bills
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--phase") phase = argv[i + 1];
    if (flag == "--accounts") accounts_n = std::stoi(argv[i + 1]);
    if (flag == "--calls") calls_n = std::stoi(argv[i + 1]);
  }
  const auto dir = std::filesystem::temp_directory_path() / "kanjian_billing_bench";
  std::filesystem::create_directories(dir);
  const UnixMicros t0 = *ParseIso8601("2026-10-05T10:00:00+08:00", 0);
  FakeClock clock(t0);
  std::printf("{\"machine\":\"%u cores\",\"store\":\"sqlite wal synchronous=full\"}\n",
              std::thread::hardware_concurrency());

  // --- 1. Attribution and durable recording -------------------------------
  {
    auto store = FreshStore(dir / "calls.db");
    auto ids = MakeAccounts(*store, 100, t0);
    billing::BillingService billing(*store, clock);

    auto run = [&](const char* name) { return phase.empty() || phase == name; };
    // The calls are made before the clock starts (UUIDv7 request ids, as the
    // server makes them): what is timed is the store and billing only.
    auto make_calls = [&](int n) {
      std::vector<billing::BilledCall> calls;
      calls.reserve(n);
      for (int i = 0; i < n; ++i) calls.push_back({ids::NewRequestId(), ids[i % ids.size()], kActions[i % 8], t0, 1});
      return calls;
    };
    constexpr size_t kBatch = 512;
    // Baseline: plain inserts of the same calls' usage rows (no attribution).
    double base_rate = 0;
    if (run("baseline")) {
      std::vector<std::vector<store::UsageRecord>> batches;
      for (const auto& c : make_calls(calls_n)) {
        if (batches.empty() || batches.back().size() == kBatch) batches.emplace_back();
        batches.back().push_back({c.request_id, c.account_id, c.action, c.at, 1, "postpaid", ""});
      }
      auto start = Steady::now();
      for (const auto& batch : batches) {
        if (!store->AppendUsage(batch).ok()) return 1;
      }
      base_rate = calls_n / Seconds(start);
      std::printf("{\"bench\":\"usage_insert_baseline\",\"calls\":%d,\"batch\":%zu,\"calls_per_s\":%.0f}\n",
                  calls_n, kBatch, base_rate);
    }

    // The same batches through attribution (free pack → packs → post-paid).
    if (run("direct")) {
      const auto calls = make_calls(calls_n);
      auto start = Steady::now();
      for (size_t i = 0; i < calls.size(); i += kBatch) {
        if (!billing.RecordCalls(std::span(calls).subspan(i, std::min(kBatch, calls.size() - i))).ok()) return 1;
      }
      const double direct_rate = calls_n / Seconds(start);
      std::printf("{\"bench\":\"attribute_record_batches\",\"calls\":%d,\"batch\":%zu,\"calls_per_s\":%.0f,"
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
      std::printf("{\"bench\":\"meter_64_threads\",\"calls\":%d,\"calls_per_s\":%.0f,\"batches\":%llu,"
                  "\"vs_baseline\":%.2f}\n",
                  calls_n, meter_rate, static_cast<unsigned long long>(meter.batches_written()),
                  meter_rate / base_rate);
    }
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
        calls.push_back({"imp-" + std::to_string(a) + "-" + std::to_string(k), ids[a], kActions[k], t0,
                         static_cast<int64_t>(500 + (a * 37 + k * 101) % 5000)});
      }
      if (calls.size() >= 8000 || a + 1 == ids.size()) {
        if (!billing.RecordCalls(calls).ok()) return 1;
        calls.clear();
      }
    }
    std::printf("{\"bench\":\"setup_usage\",\"accounts\":%d,\"seconds\":%.1f}\n", accounts_n, Seconds(start));
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
    std::printf("{\"bench\":\"bill_run\",\"accounts\":%d,\"actions\":8,\"bills\":%lld,\"seconds\":%.2f,"
                "\"target_s\":10,\"rerun_bills\":%lld,\"rerun_seconds\":%.2f}\n",
                accounts_n, static_cast<long long>(*created), run_s,
                static_cast<long long>(again.ok() ? *again : -1), rerun_s);
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace kanjian

int main(int argc, char** argv) { return kanjian::Main(argc, argv); }
