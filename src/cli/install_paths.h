// Where the binary finds its read-only data (the console's files and the
// models) when no flag names them: the same binary runs from a build tree,
// from the Debian package (/usr/bin/kanjian with /usr/share/kanjian/), or
// copied elsewhere on a machine that has the package's data installed.
//
// Order, first hit wins:
//   console: --console-dir, $KANJIAN_CONSOLE_DIR, <exe>/../console (the
//            checkout a build/ binary was built in), <exe>/../share/kanjian/
//            console (an installed prefix), /usr/share/kanjian/console.
//   models:  --models, $KANJIAN_MODELS, <exe>/../share/kanjian/models,
//            $KANJIAN_CACHE/models (what scripts/fetch_models.sh fills),
//            /usr/share/kanjian/models.
// A candidate counts only if it holds its marker file (console: index.html;
// models: the bundled detector), so an empty directory never shadows a
// full one. An explicit flag or variable is taken as given, found or not.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kanjian::cli {

inline constexpr char kInstalledDataDir[] = "/usr/share/kanjian";

struct PathInputs {
  std::string flag;           // the command-line value; "" = not given
  std::string env;            // the environment variable's value; "" = unset
  std::filesystem::path exe;  // this binary ("" = unknown)
  std::string cache_dir;      // CacheDir()
  std::string installed_data_dir = kInstalledDataDir;
};

struct FoundDir {
  std::string path;    // the chosen directory (the last candidate when none holds the marker)
  std::string source;  // "--console-dir", "$KANJIAN_MODELS", "build tree", "installed", ...
  bool found = false;  // the marker file is there
  std::vector<std::string> tried;  // every directory looked at, in order
};

FoundDir FindConsoleDir(const PathInputs& in);
FoundDir FindModelsDir(const PathInputs& in);
// echarts.min.js: <console>/vendor/echarts.min.js (the package puts it
// there), else $KANJIAN_CACHE/console/echarts.min.js (fetch_console_assets.sh).
std::string FindEchartsFile(const std::string& console_dir, const std::string& cache_dir);

// Logs where `what` ("console", "models") is served from: info when found,
// a loud warning naming every directory tried when not (a console answering
// 404, or a server that cannot load its models, is then explained in the
// first lines of the log).
void LogFoundDir(const std::string& what, const FoundDir& dir);

// PathInputs from this process: the named variable, /proc/self/exe, CacheDir().
PathInputs ProcessPathInputs(const std::string& flag, const char* env_name);

}  // namespace kanjian::cli
