#include "server/jobs/settlement_scheduler.h"

#include <spdlog/spdlog.h>

namespace kanjian::server {

SettlementScheduler::SettlementScheduler(billing::BillingService& billing,
                                         std::chrono::milliseconds interval)
    : billing_(billing), interval_(interval), thread_([this] { Loop(); }) {}

SettlementScheduler::~SettlementScheduler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SettlementScheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    Tick();
    AuditIfDue();
    FiguresIfDue();
    passes_.fetch_add(1);
    lock.lock();
    cv_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

void SettlementScheduler::Tick() {
  auto catalog = billing_.LoadCatalog();
  if (!catalog.ok()) {
    settlement_failures_.fetch_add(1);
    return;
  }
  const UnixMicros now = billing_.clock().NowMicros();
  const int offset = catalog->InForceAt(now).settings.utc_offset_s;
  billing::Month current = billing::MonthOf(now, offset);
  billing::Month previous = current.month == 1 ? billing::Month{current.year - 1, 12}
                                               : billing::Month{current.year, current.month - 1};
  if (previous.ToString() == settled_month_) return;
  overdue_s_.store((now - billing::MonthEnd(previous, offset)) / 1'000'000);
  auto created = billing_.RunBills(previous);
  if (!created.ok()) {
    settlement_failures_.fetch_add(1);
    spdlog::error("settlement of {} failed: {}", previous.ToString(), created.status().ToString());
    return;
  }
  if (*created > 0) spdlog::info("settled {}: {} bills", previous.ToString(), *created);
  settled_month_ = previous.ToString();
  overdue_s_.store(0);
}

void SettlementScheduler::AuditIfDue() {
  const auto now = std::chrono::steady_clock::now();
  if (last_audit_ && now - *last_audit_ < kAuditInterval) return;
  last_audit_ = now;
  auto report = billing_.Audit();
  if (!report.ok()) {
    audit_failures_.fetch_add(1);
    spdlog::error("audit failed: {}", report.status().ToString());
    return;
  }
  audit_problems_.store(static_cast<int64_t>(report->problems.size()));
  for (const auto& problem : report->problems) spdlog::error("audit: {}", problem);
}

void SettlementScheduler::FiguresIfDue() {
  const auto now = std::chrono::steady_clock::now();
  if (last_figures_ && now - *last_figures_ < kFiguresInterval) return;
  last_figures_ = now;
  billing::OperatorView view(billing_);
  auto figures = view.Figures();
  if (!figures.ok()) {
    figures_failures_.fetch_add(1);
    spdlog::error("reading the platform's figures failed: {}", figures.status().ToString());
    return;
  }
  std::lock_guard<std::mutex> lock(figures_mu_);
  figures_ = *figures;
}

std::optional<billing::PlatformFigures> SettlementScheduler::figures() const {
  std::lock_guard<std::mutex> lock(figures_mu_);
  return figures_;
}

}  // namespace kanjian::server
