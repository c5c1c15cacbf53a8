#include "server/console/operator_metrics.h"

#include <cmath>
#include <cstdlib>
#include <string>

namespace kanjian::server::console {
namespace {

// The value of label `key` in `name{a="x",key="y"}`, "" if absent.
std::string Label(std::string_view labels, std::string_view key) {
  const std::string needle = std::string(key) + "=\"";
  size_t pos = 0;
  while ((pos = labels.find(needle, pos)) != std::string_view::npos) {
    if (pos == 0 || labels[pos - 1] == '{' || labels[pos - 1] == ',') {
      const size_t start = pos + needle.size();
      const size_t end = labels.find('"', start);
      return std::string(labels.substr(start, end == std::string_view::npos ? end : end - start));
    }
    pos += needle.size();
  }
  return "";
}

}  // namespace

MetricsSnapshot SummariseMetrics(std::string_view text) {
  MetricsSnapshot m;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    const std::string_view series = line.substr(0, space);
    const std::string text(line.substr(space + 1));
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size() || !std::isfinite(value)) value = 0;
    const size_t brace = series.find('{');
    const std::string_view name = series.substr(0, brace);
    const std::string_view labels = brace == std::string_view::npos ? "" : series.substr(brace);
    const auto count = static_cast<uint64_t>(value < 0 ? 0 : value);
    if (name == "kanjian_requests_total") {
      m.requests += count;
      m.by_code[Label(labels, "code")] += count;
    } else if (name == "kanjian_request_latency_ms_sum") {
      m.request_ms_sum += value;
    } else if (name == "kanjian_request_latency_ms_count") {
      m.request_count += count;
    } else if (name == "kanjian_inference_ms_sum") {
      m.inference_ms_sum += value;
    } else if (name == "kanjian_inference_ms_count") {
      m.inference_count += count;
    } else if (name == "kanjian_inference_queue_depth") {
      m.queue_depth = value;
    }
  }
  return m;
}

}  // namespace kanjian::server::console
