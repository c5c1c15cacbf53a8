// The server's metrics, declared in one struct and exported in one place.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "common/metrics.h"

namespace kanjian::server {

class SettlementScheduler;

struct ServerMetrics {
  metrics::CounterFamily requests;                // kanjian_requests_total{action,code}
  metrics::HistogramFamily latency;               // kanjian_request_latency_ms{action}
  metrics::CounterFamily http_rejected;           // kanjian_http_rejected_total{reason} (transport)
  const metrics::Histogram* inference = nullptr;  // kanjian_inference_ms (owned by vision)
  std::function<size_t()> queue_depth;            // kanjian_inference_queue_depth
  std::function<uint64_t()> usage_batches;        // kanjian_usage_batches_total
  // By store::UsageSource (billing::BillingService::BilledCallsBySource).
  std::function<std::array<uint64_t, 3>()> billed_calls;  // kanjian_billed_calls_total{source}
  // With serve --redis: calls limited locally because Redis was down (0
  // without Redis, so that alerts on it always have a series).
  std::function<uint64_t()> qps_fallback_calls;  // kanjian_qps_fallback_calls_total
  // From the settlement scheduler (server/jobs/settlement_scheduler.h).
  const SettlementScheduler* settlement = nullptr;  // kanjian_settlement_overdue_seconds,
                                                    // kanjian_audit_problems,
                                                    // kanjian_background_failures_total{task},
                                                    // kanjian_revenue_fen{book},
                                                    // kanjian_accounts_in_arrears,
                                                    // kanjian_owed_fen

  std::string RenderPrometheus() const;
};

}  // namespace kanjian::server
