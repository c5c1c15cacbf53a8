// kanjian config check [--config FILE] [serve's flags…]: the settings serve
// would run with and where each came from, secrets redacted. It takes
// serve's own flags (serve_flags.h) and resolves them as serve does
// (settings.h), so it cannot disagree with serve.
#include <algorithm>

#include "cli/commands.h"
#include "cli/serve_flags.h"
#include "cli/settings.h"

namespace kanjian::cli {
namespace {

std::string Origin(const ResolvedSetting& s) {
  return s.where.empty() ? s.source : s.source + " " + s.where;
}

std::string Joined(const std::string& key, const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + RedactSetting(key, v);
  return out;
}

}  // namespace

Result<std::vector<ResolvedSetting>> ResolveServeSettings(CLI::App& serve,
                                                          const GlobalOptions& options) {
  ASSIGN_OR_RETURN(auto settings, ResolveSettings(serve, options.config.get(), ProcessEnv, {"db"}));
  ResolvedSetting db{"db", {options.db}, options.db_source, options.db_where, false};
  settings.insert(settings.begin(), std::move(db));
  return settings;
}

void AddConfigCommands(CLI::App& app, Context& ctx, int* rc) {
  auto* config = app.add_subcommand("config", "the configuration serve runs with");
  config->require_subcommand(1);
  auto flags = std::make_shared<ServeFlags>();
  auto* check = config->add_subcommand(
      "check",
      "print each setting serve would use and where it came from (flag, env, file:line, "
      "default); takes serve's flags");
  AddServeFlags(*check, *flags);
  // The callback owns the flags, so they live as long as the app.
  check->callback([&ctx, rc, check, flags] {
    auto settings = ResolveServeSettings(*check, ctx.options());
    if (!settings.ok()) {
      *rc = ctx.Fail(settings.status());
      return;
    }
    nlohmann::json list = nlohmann::json::array();
    size_t width = 0;
    for (const auto& s : *settings) width = std::max(width, s.key.size());
    std::string text;
    for (const auto& s : *settings) {
      nlohmann::json value;
      if (s.multi) {
        value = nlohmann::json::array();
        for (const auto& v : s.values) value.push_back(RedactSetting(s.key, v));
      } else {
        value = RedactSetting(s.key, s.values.empty() ? "" : s.values.front());
      }
      list.push_back({{"Key", s.key}, {"Value", value}, {"Source", s.source}, {"Where", s.where}});
      const std::string shown = s.values.empty() || (s.values.size() == 1 && s.values[0].empty())
                                    ? "(none)"
                                    : Joined(s.key, s.values);
      text +=
          s.key + std::string(width + 2 - s.key.size(), ' ') + shown + "  [" + Origin(s) + "]\n";
    }
    const auto& path = ctx.options().config_path;
    nlohmann::json json = {{"ConfigFile", path.empty() ? nlohmann::json() : nlohmann::json(path)},
                           {"Settings", list}};
    text = "config file: " + (path.empty() ? std::string("(none)") : path) + "\n" + text;
    text.pop_back();
    *rc = ctx.Print(json, text);
  });
}

}  // namespace kanjian::cli
