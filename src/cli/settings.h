// Where each setting's value comes from, in order of precedence: the
// command line's flag, then the environment (KANJIAN_<KEY>, the key upper-
// cased with '-' as '_'), then the config file (TOML, a key named after its
// flag: --listen → listen), then the flag's default. `serve` and
// `config check` resolve through the same function, so what check prints is
// what serve runs with (docs/operators/configuration-file.md).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace kanjian::cli {

// A parsed config file: each key's value as the command-line words it
// stands for, with the line it is on. Type errors are found when a key is
// matched to its flag (ResolveSettings), unknown keys by CheckKeys.
class ConfigFile {
 public:
  struct Entry {
    enum class Kind {
      kString,
      kInteger,
      kFloat,
      kBoolean,
      kStringArray,
      kIntegerArray,
      kTable,
      kOther
    };
    Kind kind = Kind::kOther;
    std::vector<std::string> words;  // scalar: one; array: each; table: KEY=VALUE each
    int line = 0;
  };

  // Parses `path`. A syntax error is InvalidConfiguration naming FILE:LINE.
  static Result<std::shared_ptr<const ConfigFile>> Load(const std::string& path);
  // The same from text, `path` naming it in errors (tests).
  static Result<std::shared_ptr<const ConfigFile>> Parse(const std::string& text,
                                                         const std::string& path);

  const std::string& path() const { return path_; }
  const Entry* Find(const std::string& key) const;
  // InvalidConfiguration "FILE:LINE: unknown key 'x'" for the first key not in `known`.
  Status CheckKeys(const std::vector<std::string>& known) const;

 private:
  std::string path_;
  std::map<std::string, Entry> entries_;
};

struct ResolvedSetting {
  std::string key;
  std::vector<std::string> values;  // as command-line words (secrets not yet redacted)
  std::string source;               // "flag", "env", "file" or "default"
  std::string where;                // "KANJIAN_LISTEN", "/etc/kanjian/kanjian.toml:3", or ""
  bool multi = false;               // a repeatable flag: values is a list
};

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;
// The process environment.
std::optional<std::string> ProcessEnv(const std::string& name);

// The environment variable of a key: KANJIAN_ + KEY upper-cased, '-' → '_'.
std::string EnvNameOf(const std::string& key);

// For each long option of `command` (its help flag aside) not given on the
// command line, takes the environment's value, else the file's (`file` may
// be null), else leaves the default; the value goes through the option
// itself, so its type and checks (ranges, choices) apply as on the command
// line. A wrong type or a refused value is InvalidConfiguration naming the
// variable or FILE:LINE and the key; an unknown key in the file, too.
// `also_known` are keys of the file read elsewhere (the global `db`).
Result<std::vector<ResolvedSetting>> ResolveSettings(CLI::App& command, const ConfigFile* file,
                                                     const GetEnv& env,
                                                     const std::vector<std::string>& also_known);

// A URI's password (user:PASSWORD@, ?password=…) replaced by ***: what
// `config check` prints and the log shows.
std::string RedactSecrets(const std::string& value);
// A setting's value as shown: a password setting (its key ends in
// "password") as "***" when set, any other through RedactSecrets.
std::string RedactSetting(const std::string& key, const std::string& value);

}  // namespace kanjian::cli
