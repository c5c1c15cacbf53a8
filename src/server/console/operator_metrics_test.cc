// The live-metrics summary reads the server's own Prometheus text.
#include "server/console/operator_metrics.h"

#include <gtest/gtest.h>

#include "server/server_metrics.h"

namespace kanjian::server::console {
namespace {

TEST(OperatorMetricsTest, SumsRequestsByCodeLatencyAndQueueDepth) {
  ServerMetrics metrics;
  metrics.requests.Increment("action=\"DetectPet\",code=\"OK\"", 5);
  metrics.requests.Increment("action=\"RecognizeCar\",code=\"OK\"", 2);
  metrics.requests.Increment("action=\"DetectPet\",code=\"ResourceUnavailable.InArrears\"", 3);
  metrics.latency.For("action=\"DetectPet\"").Observe(10);
  metrics.latency.For("action=\"RecognizeCar\"").Observe(30);
  metrics::Histogram inference;
  inference.Observe(4.5);
  inference.Observe(5.5);
  metrics.inference = &inference;
  metrics.queue_depth = [] { return size_t{7}; };

  const MetricsSnapshot m = SummariseMetrics(metrics.RenderPrometheus());
  EXPECT_EQ(m.requests, 10u);
  EXPECT_EQ(m.by_code.at("OK"), 7u);
  EXPECT_EQ(m.by_code.at("ResourceUnavailable.InArrears"), 3u);
  EXPECT_EQ(m.request_count, 2u);
  EXPECT_DOUBLE_EQ(m.request_ms_sum, 40);
  EXPECT_EQ(m.inference_count, 2u);
  EXPECT_DOUBLE_EQ(m.inference_ms_sum, 10);
  EXPECT_DOUBLE_EQ(m.queue_depth, 7);
}

TEST(OperatorMetricsTest, UnknownAndMalformedLinesAreSkipped) {
  const MetricsSnapshot m = SummariseMetrics(
      "# HELP x\nother_metric{code=\"OK\"} 9\nkanjian_requests_total{xcode=\"A\",code=\"B\"} 2\ngarbage\n"
      "kanjian_inference_queue_depth nan-ish\n");
  EXPECT_EQ(m.requests, 2u);
  EXPECT_EQ(m.by_code.size(), 1u);
  EXPECT_EQ(m.by_code.at("B"), 2u);
  EXPECT_DOUBLE_EQ(m.queue_depth, 0);
}

}  // namespace
}  // namespace kanjian::server::console
