#include "common/metrics.h"

#include <cstdio>

namespace kanjian::metrics {

void Histogram::Observe(double ms) {
  size_t i = 0;
  while (i < kBoundsMs.size() && ms > kBoundsMs[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_us_.fetch_add(static_cast<uint64_t>(ms * 1000.0), std::memory_order_relaxed);
}

void Histogram::Render(const std::string& name, const std::string& labels, std::string* out) const {
  const std::string sep = labels.empty() ? "" : labels + ",";
  uint64_t cumulative = 0;
  char buf[64];
  for (size_t i = 0; i <= kBoundsMs.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    if (i < kBoundsMs.size()) {
      std::snprintf(buf, sizeof buf, "%g", kBoundsMs[i]);
    } else {
      std::snprintf(buf, sizeof buf, "+Inf");
    }
    *out += name + "_bucket{" + sep + "le=\"" + buf + "\"} " + std::to_string(cumulative) + "\n";
  }
  std::snprintf(buf, sizeof buf, "%.3f",
                static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1000.0);
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  *out += name + "_sum" + braces + " " + buf + "\n";
  *out += name + "_count" + braces + " " + std::to_string(count()) + "\n";
}

void CounterFamily::Increment(const std::string& labels, uint64_t by) {
  std::lock_guard<std::mutex> lock(mu_);
  values_[labels] += by;
}

uint64_t CounterFamily::Get(const std::string& labels) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(labels);
  return it == values_.end() ? 0 : it->second;
}

void CounterFamily::Render(const std::string& name, std::string* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [labels, v] : values_) {
    *out += name + "{" + labels + "} " + std::to_string(v) + "\n";
  }
}

Histogram& HistogramFamily::For(const std::string& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  return values_[labels];
}

void HistogramFamily::Render(const std::string& name, std::string* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [labels, h] : values_) h.Render(name, labels, out);
}

void RenderHeader(const std::string& name, const char* type, const char* help, std::string* out) {
  *out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace kanjian::metrics
