// Runs the monthly settlement from the server: at start and then every
// `interval`, if the previous month (in the billing time zone) has not been
// settled by this process, run `bill run` for it. RunBills is idempotent,
// so a restart or a manual `kanjian bill run` never bills twice.
// On its first pass and then every kAuditInterval it also runs the ledger
// audit, so that /metrics can say whether the books still balance, and
// every kFiguresInterval it reads the platform's revenue and arrears
// (billing/views/operator_view.h PlatformFigures) for /metrics.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "billing/billing.h"
#include "billing/views/operator_view.h"

namespace kanjian::server {

// How often `serve` looks for a month to settle (docs/operators/billing.md: a month
// is settled within this long of its end).
inline constexpr std::chrono::seconds kSettlementInterval{30};
// The audit reads the whole ledger, so it runs far less often.
inline constexpr std::chrono::hours kAuditInterval{1};
// The figures read every account's view; revenue per day and arrears need
// no fresher figures.
inline constexpr std::chrono::minutes kFiguresInterval{5};

class SettlementScheduler {
 public:
  SettlementScheduler(billing::BillingService& billing, std::chrono::milliseconds interval);
  ~SettlementScheduler();  // stops and joins

  // Passes completed so far (tests wait on it instead of sleeping).
  uint64_t passes() const { return passes_.load(); }
  // For /metrics (deploy/prometheus/kanjian.rules.yml alerts on them):
  // how long ago the last month ended while this process has not settled
  // it (0 = settled), as of the last pass;
  int64_t overdue_s() const { return overdue_s_.load(); }
  // the problems the last audit found (-1 = no audit finished yet);
  int64_t audit_problems() const { return audit_problems_.load(); }
  // passes whose settlement or audit failed (a store error, mostly).
  uint64_t settlement_failures() const { return settlement_failures_.load(); }
  uint64_t audit_failures() const { return audit_failures_.load(); }
  uint64_t figures_failures() const { return figures_failures_.load(); }
  // The platform's figures as of the last pass that read them (none yet:
  // nullopt).
  std::optional<billing::PlatformFigures> figures() const;

 private:
  void Loop();
  void Tick();
  void AuditIfDue();
  void FiguresIfDue();

  billing::BillingService& billing_;
  const std::chrono::milliseconds interval_;
  std::string settled_month_;  // only touched by the loop thread
  std::atomic<uint64_t> passes_{0};
  std::atomic<int64_t> overdue_s_{0};
  std::atomic<int64_t> audit_problems_{-1};
  std::atomic<uint64_t> settlement_failures_{0};
  std::atomic<uint64_t> audit_failures_{0};
  std::atomic<uint64_t> figures_failures_{0};
  std::optional<std::chrono::steady_clock::time_point> last_audit_;    // loop thread only
  std::optional<std::chrono::steady_clock::time_point> last_figures_;  // loop thread only

  mutable std::mutex figures_mu_;
  std::optional<billing::PlatformFigures> figures_;  // guarded by figures_mu_

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace kanjian::server
