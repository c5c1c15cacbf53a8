#include "common/metrics.h"

#include <gtest/gtest.h>

namespace kanjian::metrics {
namespace {

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Histogram h;
  h.Observe(0.5);
  h.Observe(7);
  h.Observe(99999);
  std::string out;
  h.Render("lat_ms", "action=\"DetectPet\"", &out);
  EXPECT_NE(out.find("lat_ms_bucket{action=\"DetectPet\",le=\"1\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("lat_ms_bucket{action=\"DetectPet\",le=\"10\"} 2\n"), std::string::npos);
  EXPECT_NE(out.find("lat_ms_bucket{action=\"DetectPet\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(out.find("lat_ms_count{action=\"DetectPet\"} 3\n"), std::string::npos);
}

TEST(MetricsTest, CounterFamilyKeepsLabelsApart) {
  CounterFamily c;
  c.Increment("code=\"OK\"");
  c.Increment("code=\"OK\"");
  c.Increment("code=\"InvalidAction\"");
  EXPECT_EQ(c.Get("code=\"OK\""), 2u);
  std::string out;
  c.Render("req_total", &out);
  EXPECT_EQ(out, "req_total{code=\"InvalidAction\"} 1\nreq_total{code=\"OK\"} 2\n");
}

}  // namespace
}  // namespace kanjian::metrics
