#include "common/logging.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/error_codes.h"

namespace kanjian::logging {
namespace {

constexpr char kTextPattern[] = "%Y-%m-%dT%H:%M:%S.%e%z %l %v";

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    const auto level = spdlog::level::to_string_view(msg.level);
    const std::string line = JsonLine(ms, std::string_view(level.data(), level.size()),
                                      std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

// Appends to a file it can reopen by name (spdlog's file sinks cannot).
class ReopenableFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit ReopenableFileSink(std::string path) : path_(std::move(path)) {}
  ~ReopenableFileSink() override {
    if (file_) std::fclose(file_);
  }
  // Opens the file, or closes and reopens it by its path.
  Status Reopen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return OpenLocked();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (!file_) return;
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), file_);
  }
  void flush_() override {
    if (file_) std::fflush(file_);
  }

 private:
  // REQUIRES: mutex_ held.
  Status OpenLocked() {
    FILE* next = std::fopen(path_.c_str(), "a");
    if (!next) return Status(errc::kInvalidConfiguration, "cannot open the log file " + path_);
    if (file_) std::fclose(file_);
    file_ = next;
    return Status::Ok();
  }
  const std::string path_;
  FILE* file_ = nullptr;  // guarded by mutex_
};

std::mutex file_sink_mu;
std::shared_ptr<ReopenableFileSink> file_sink;  // guarded by file_sink_mu

std::string Utc(long long unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  // Room for seven ints of any value, so that the compiler can see nothing
  // is cut (-Wformat-truncation).
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return text;
}

}  // namespace

std::string JsonLine(long long unix_ms, std::string_view level, std::string_view message) {
  // Invalid UTF-8 in a message (a client's bytes) is replaced, never fatal.
  return nlohmann::ordered_json{{"time", Utc(unix_ms)}, {"level", level}, {"msg", message}}.dump(
             -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) +
         "\n";
}

Status SetLogLevel(const std::string& level) {
  const auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    return Status(errc::kInvalidConfiguration, "unknown log level " + level);
  spdlog::set_level(parsed);
  return Status::Ok();
}

Status ConfigureLogging(const LogOptions& options) {
  const bool json = options.format == "json";
  if (!json && options.format != "text")
    return Status(errc::kInvalidConfiguration, "log format is text or json: " + options.format);
  std::vector<spdlog::sink_ptr> sinks;
  if (json) {
    sinks.push_back(std::make_shared<spdlog::sinks::stdout_sink_mt>());
  } else {
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
  std::shared_ptr<ReopenableFileSink> file;
  if (!options.file.empty()) {
    file = std::make_shared<ReopenableFileSink>(options.file);
    RETURN_IF_ERROR(file->Reopen());
    sinks.push_back(file);
  }
  auto logger = std::make_shared<spdlog::logger>("kanjian", sinks.begin(), sinks.end());
  if (json) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern(kTextPattern);
  }
  // Every line reaches the file (and a pipe) as it is written.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  {
    std::lock_guard<std::mutex> lock(file_sink_mu);
    file_sink = file;
  }
  return SetLogLevel(options.level);
}

Status ReopenLogFile() {
  std::shared_ptr<ReopenableFileSink> sink;
  {
    std::lock_guard<std::mutex> lock(file_sink_mu);
    sink = file_sink;
  }
  return sink ? sink->Reopen() : Status::Ok();
}

}  // namespace kanjian::logging
