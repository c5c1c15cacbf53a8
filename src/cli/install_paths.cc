#include "cli/install_paths.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "cli/context.h"
#include "vision/vision_engine.h"

namespace kanjian::cli {
namespace {

namespace fs = std::filesystem;

struct Candidate {
  fs::path dir;
  const char* source;
};

bool Holds(const fs::path& dir, const std::string& marker) {
  std::error_code ec;
  return fs::is_regular_file(dir / marker, ec);
}

// The explicit choice if there is one, else the first candidate holding the
// marker, else the last candidate (so the warning names the installed path).
FoundDir Find(const PathInputs& in, const char* flag_name, const char* env_name,
              const std::vector<Candidate>& candidates, const std::string& marker) {
  FoundDir out;
  if (!in.flag.empty() || !in.env.empty()) {
    out.path = !in.flag.empty() ? in.flag : in.env;
    out.source = !in.flag.empty() ? flag_name : std::string("$") + env_name;
    out.found = Holds(out.path, marker);
    out.tried.push_back(out.path);
    return out;
  }
  for (const auto& [dir, source] : candidates) {
    const std::string path = dir.lexically_normal().string();
    out.tried.push_back(path);
    out.path = path;
    out.source = source;
    if (Holds(dir, marker)) {
      out.found = true;
      return out;
    }
  }
  return out;
}

}  // namespace

FoundDir FindConsoleDir(const PathInputs& in) {
  std::vector<Candidate> candidates;
  if (!in.exe.empty()) {
    const fs::path prefix = in.exe.parent_path().parent_path();
    candidates.push_back({prefix / "console", "build tree"});
    candidates.push_back({prefix / "share/kanjian/console", "installed beside the binary"});
  }
  candidates.push_back({fs::path(in.installed_data_dir) / "console", "installed"});
  return Find(in, "--console-dir", "KANJIAN_CONSOLE_DIR", candidates, "index.html");
}

FoundDir FindModelsDir(const PathInputs& in) {
  std::vector<Candidate> candidates;
  if (!in.exe.empty())
    candidates.push_back({in.exe.parent_path().parent_path() / "share/kanjian/models",
                          "installed beside the binary"});
  candidates.push_back({fs::path(in.cache_dir) / "models", "cache"});
  candidates.push_back({fs::path(in.installed_data_dir) / "models", "installed"});
  return Find(in, "--models", "KANJIAN_MODELS", candidates, vision::VisionConfig{}.detector_file);
}

std::string FindEchartsFile(const std::string& console_dir, const std::string& cache_dir) {
  const fs::path beside = fs::path(console_dir) / "vendor/echarts.min.js";
  std::error_code ec;
  if (fs::is_regular_file(beside, ec)) return beside.string();
  return (fs::path(cache_dir) / "console/echarts.min.js").string();
}

void LogFoundDir(const std::string& what, const FoundDir& dir) {
  if (dir.found) {
    spdlog::info("{} from {} ({})", what, dir.path, dir.source);
    return;
  }
  std::string tried;
  for (const auto& path : dir.tried) tried += (tried.empty() ? "" : ", ") + path;
  spdlog::warn(
      "{}: NOT FOUND; tried {} — using {} ({}); install the kanjian package's data "
      "or name the directory with its flag",
      what, tried, dir.path, dir.source);
}

PathInputs ProcessPathInputs(const std::string& flag, const char* env_name) {
  PathInputs in;
  in.flag = flag;
  if (const char* env = std::getenv(env_name); env && *env) in.env = env;
  std::error_code ec;
  in.exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) in.exe.clear();
  in.cache_dir = CacheDir();
  return in;
}

}  // namespace kanjian::cli
