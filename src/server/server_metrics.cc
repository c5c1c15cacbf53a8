#include "server/server_metrics.h"

#include "common/build_info.h"
#include "server/jobs/settlement_scheduler.h"
#include "store/store.h"

namespace kanjian::server {

namespace {

// The platform's books as every node reads them from the one database: the
// same on every node (the dashboard takes max over nodes).
void RenderFigures(const billing::PlatformFigures& f, std::string* out) {
  metrics::RenderHeader("kanjian_revenue_fen", "gauge",
                        "The platform's revenue books in fen, all time: pack = packs sold less "
                        "refunds, postpaid = settled post-paid bills.",
                        out);
  *out += "kanjian_revenue_fen{book=\"pack\"} " + std::to_string(f.revenue_pack) + "\n";
  *out += "kanjian_revenue_fen{book=\"postpaid\"} " + std::to_string(f.revenue_postpaid) + "\n";
  metrics::RenderHeader("kanjian_accounts_in_arrears", "gauge",
                        "Accounts in arrears: their calls are refused (InArrears).", out);
  *out += "kanjian_accounts_in_arrears " + std::to_string(f.accounts_in_arrears) + "\n";
  metrics::RenderHeader("kanjian_owed_fen", "gauge",
                        "What accounts with a negative balance owe, in fen, in the grace period "
                        "or past it.",
                        out);
  *out += "kanjian_owed_fen " + std::to_string(f.owed) + "\n";
}

}  // namespace

std::string ServerMetrics::RenderPrometheus() const {
  std::string out;
  metrics::RenderHeader("kanjian_build_info", "gauge",
                        "Always 1; its labels name the release and commit this binary was built "
                        "from.",
                        &out);
  out += "kanjian_build_info{version=\"" + std::string(BuildVersion()) + "\",commit=\"" +
         std::string(BuildCommit()) + "\"} 1\n";
  metrics::RenderHeader("kanjian_requests_total", "counter",
                        "API requests by action and result code (OK on success).", &out);
  requests.Render("kanjian_requests_total", &out);
  metrics::RenderHeader("kanjian_request_latency_ms", "histogram",
                        "End-to-end API request latency in milliseconds.", &out);
  latency.Render("kanjian_request_latency_ms", &out);
  metrics::RenderHeader("kanjian_http_rejected_total", "counter",
                        "Requests and connections the HTTP front refused, by reason.", &out);
  http_rejected.Render("kanjian_http_rejected_total", &out);
  metrics::RenderHeader("kanjian_inference_ms", "histogram",
                        "Decode + model inference time per image in milliseconds.", &out);
  if (inference) inference->Render("kanjian_inference_ms", "", &out);
  metrics::RenderHeader("kanjian_inference_queue_depth", "gauge",
                        "Images waiting for an inference worker.", &out);
  out += "kanjian_inference_queue_depth " + std::to_string(queue_depth ? queue_depth() : 0) + "\n";
  metrics::RenderHeader("kanjian_usage_batches_total", "counter",
                        "Group-commit transactions written for usage records.", &out);
  out +=
      "kanjian_usage_batches_total " + std::to_string(usage_batches ? usage_batches() : 0) + "\n";
  metrics::RenderHeader("kanjian_billed_calls_total", "counter",
                        "Calls this node billed, by source: free pack, resource pack, post-paid.",
                        &out);
  const std::array<uint64_t, 3> billed = billed_calls ? billed_calls() : std::array<uint64_t, 3>{};
  for (size_t i = 0; i < billed.size(); ++i) {
    out += "kanjian_billed_calls_total{source=\"" +
           std::string(store::ToString(store::UsageSource(i))) + "\"} " +
           std::to_string(billed[i]) + "\n";
  }
  metrics::RenderHeader("kanjian_qps_fallback_calls_total", "counter",
                        "Calls rate-limited per node because Redis could not be reached.", &out);
  out += "kanjian_qps_fallback_calls_total " +
         std::to_string(qps_fallback_calls ? qps_fallback_calls() : 0) + "\n";
  if (settlement) {
    metrics::RenderHeader(
        "kanjian_settlement_overdue_seconds", "gauge",
        "Seconds since the last month ended while it is not settled (0 = settled).", &out);
    out += "kanjian_settlement_overdue_seconds " + std::to_string(settlement->overdue_s()) + "\n";
    if (const int64_t problems = settlement->audit_problems(); problems >= 0) {
      metrics::RenderHeader("kanjian_audit_problems", "gauge",
                            "Invariant violations the last ledger audit found (0 = books balance).",
                            &out);
      out += "kanjian_audit_problems " + std::to_string(problems) + "\n";
    }
    metrics::RenderHeader("kanjian_background_failures_total", "counter",
                          "Settlement and audit passes that failed (store errors, mostly).", &out);
    out += "kanjian_background_failures_total{task=\"settlement\"} " +
           std::to_string(settlement->settlement_failures()) + "\n";
    out += "kanjian_background_failures_total{task=\"audit\"} " +
           std::to_string(settlement->audit_failures()) + "\n";
    out += "kanjian_background_failures_total{task=\"figures\"} " +
           std::to_string(settlement->figures_failures()) + "\n";
    if (const auto figures = settlement->figures()) RenderFigures(*figures, &out);
  }
  return out;
}

}  // namespace kanjian::server
