// Shared by the benchmarks: a closed-loop load generator with latency
// percentiles, and a throw-away tenant (SQLite store, activated account,
// billing, meter) for running the real server in-process.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "billing/accounts.h"
#include "billing/billing.h"
#include "billing/usage_meter.h"
#include "common/crypto.h"
#include "store/store.h"

namespace kanjian::bench {

using Steady = std::chrono::steady_clock;

struct Stats {
  double images_per_s = 0, p50_ms = 0, p99_ms = 0;  // throughput counts successful calls
  size_t n = 0, failed = 0;
};

// Runs `call` (true = success) from `concurrency` threads for `seconds`.
template <typename Call>
Stats Measure(int concurrency, double seconds, Call call) {
  std::vector<std::vector<double>> per_thread(concurrency);
  std::atomic<size_t> failed{0};
  const auto start = Steady::now();
  const auto stop = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      while (Steady::now() < stop) {
        const auto t0 = Steady::now();
        if (!call()) ++failed;
        per_thread[t].push_back(
            std::chrono::duration<double, std::milli>(Steady::now() - t0).count());
      }
    });
  }
  for (auto& th : threads) th.join();
  const double elapsed = std::chrono::duration<double>(Steady::now() - start).count();
  std::vector<double> all;
  for (auto& v : per_thread) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  Stats s;
  s.n = all.size();
  s.failed = failed;
  if (all.empty()) return s;
  s.images_per_s = (all.size() - failed) / elapsed;
  s.p50_ms = all[all.size() / 2];
  s.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  return s;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh SQLite store in a temporary directory with one activated account.
struct Tenant {
  explicit Tenant(const std::string& name) : dir(std::filesystem::temp_directory_path() / name) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = std::move(store::OpenSqliteStore((dir / "bench.db").string())).value();
    accounts = std::make_unique<billing::AccountService>(*store, box, clock);
    account = std::move(accounts->Create("bench")).value();
    (void)accounts->Activate("bench");
    billing = std::make_unique<billing::BillingService>(*store, clock);
    meter = std::make_unique<billing::UsageMeter>(*billing);
  }
  ~Tenant() {
    meter.reset();
    billing.reset();
    accounts.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }

  std::filesystem::path dir;
  SystemClock clock;
  crypto::SecretBox box{crypto::RandomBytes(32)};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<billing::AccountService> accounts;
  billing::NewAccount account;
  std::unique_ptr<billing::BillingService> billing;
  std::unique_ptr<billing::UsageMeter> meter;
};

}  // namespace kanjian::bench
