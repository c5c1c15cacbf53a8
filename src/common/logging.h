// The process's log: human lines on stderr by default, or one JSON object a
// line on stdout (what journald and log shippers take), and optionally a
// file that SIGUSR1 reopens after logrotate moved it
// (docs/operators/logging.md).
#pragma once

#include <string>

#include "common/status.h"

namespace kanjian::logging {

struct LogOptions {
  std::string format = "text";  // "text" (stderr) or "json" (stdout)
  std::string file = "";        // "" = none; else appended to, in the same format
  std::string level = "info";   // trace, debug, info, warn, error, off
};

// Replaces the default logger with one built from `options`. A file that
// cannot be opened is InvalidConfiguration naming it.
Status ConfigureLogging(const LogOptions& options);

// Closes and reopens the log file by its path: after logrotate renamed it,
// the next line goes to a new file of the old name. Without a file, nothing.
Status ReopenLogFile();

// InvalidConfiguration for a name spdlog does not know.
Status SetLogLevel(const std::string& level);

// One record as a JSON line: {"time":ISO 8601 UTC with ms,"level","msg"}
// (the formatter ConfigureLogging installs for "json"; tests).
std::string JsonLine(long long unix_ms, std::string_view level, std::string_view message);

}  // namespace kanjian::logging
