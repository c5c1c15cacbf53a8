// The operator console's live metrics: the server's own Prometheus text
// (the /metrics registry, ServerMetrics::RenderPrometheus) summed into the
// few figures the chart shows. Counters are cumulative; the page turns two
// snapshots into rates (requests/s, mean latency over the interval).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace kanjian::server::console {

struct MetricsSnapshot {
  uint64_t requests = 0;                      // kanjian_requests_total, every action and code
  std::map<std::string, uint64_t> by_code;    // the same by its code label ("OK", "InvalidParameter"…)
  double request_ms_sum = 0;                  // kanjian_request_latency_ms_sum, every action
  uint64_t request_count = 0;                 // kanjian_request_latency_ms_count
  double inference_ms_sum = 0;                // kanjian_inference_ms_sum
  uint64_t inference_count = 0;               // kanjian_inference_ms_count
  double queue_depth = 0;                     // kanjian_inference_queue_depth
};

// Lines it does not know are skipped; a malformed or non-finite value counts as 0.
MetricsSnapshot SummariseMetrics(std::string_view prometheus_text);

}  // namespace kanjian::server::console
