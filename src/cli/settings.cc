#include "cli/settings.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include "common/error_codes.h"

namespace kanjian::cli {
namespace {

using Kind = ConfigFile::Entry::Kind;

Status Refuse(const std::string& where, const std::string& what) {
  return Status(errc::kInvalidConfiguration, where + ": " + what);
}

std::string At(const std::string& path, int line) {
  return path + ":" + std::to_string(line);
}

int LineOf(const toml::node& node) {
  return static_cast<int>(node.source().begin.line);
}

// A TOML value as the words a command line would carry.
Result<ConfigFile::Entry> ToEntry(const toml::node& node, const std::string& path,
                                  const std::string& key) {
  ConfigFile::Entry entry;
  entry.line = LineOf(node);
  if (auto s = node.as_string()) {
    entry.kind = Kind::kString;
    entry.words = {s->get()};
  } else if (auto i = node.as_integer()) {
    entry.kind = Kind::kInteger;
    entry.words = {std::to_string(i->get())};
  } else if (auto f = node.as_floating_point()) {
    entry.kind = Kind::kFloat;
    entry.words = {std::to_string(f->get())};
  } else if (auto b = node.as_boolean()) {
    entry.kind = Kind::kBoolean;
    entry.words = {b->get() ? "true" : "false"};
  } else if (auto array = node.as_array()) {
    entry.kind = Kind::kStringArray;
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& item = *array->get(i);
      if (auto s = item.as_string()) {
        entry.words.push_back(s->get());
      } else if (auto n = item.as_integer(); n && (i == 0 || entry.kind == Kind::kIntegerArray)) {
        entry.kind = Kind::kIntegerArray;
        entry.words.push_back(std::to_string(n->get()));
      } else {
        return Refuse(At(path, LineOf(item)),
                      "'" + key + "' must be an array of strings (all of one type)");
      }
      if (item.is_string() && entry.kind == Kind::kIntegerArray)
        return Refuse(At(path, LineOf(item)), "'" + key + "' mixes strings and integers");
    }
  } else if (auto table = node.as_table()) {
    entry.kind = Kind::kTable;
    for (auto&& [name, value] : *table) {
      auto n = value.as_integer();
      if (!n)
        return Refuse(At(path, LineOf(value)),
                      "'" + key + "." + std::string(name.str()) + "' must be an integer");
      entry.words.push_back(std::string(name.str()) + "=" + std::to_string(n->get()));
    }
  }
  return entry;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "a string";
    case Kind::kInteger:
      return "an integer";
    case Kind::kFloat:
      return "a float";
    case Kind::kBoolean:
      return "a boolean";
    case Kind::kStringArray:
      return "an array of strings";
    case Kind::kIntegerArray:
      return "an array of integers";
    case Kind::kTable:
      return "a table";
    case Kind::kOther:
      break;
  }
  return "a date or time";
}

bool IsFlag(const CLI::Option& option) {
  return option.get_expected_max() == 0;
}

bool IsMulti(const CLI::Option& option) {
  return option.get_items_expected_max() > 1;
}

// The TOML types a key may have, from its option: a flag is a boolean; a
// repeatable option an array (or, for ACTION=N lists, a table); a number a
// number; anything else a string.
std::string CheckKind(const CLI::Option& option, Kind kind) {
  // The bound variable's type ("INT", "UINT", "FLOAT", "TEXT"), without
  // what validators add after a ':'.
  const std::string full = option.get_type_name();
  const std::string type = full.substr(0, full.find(':'));
  const bool number = type == "INT" || type == "UINT" || type == "FLOAT";
  if (IsFlag(option)) return kind == Kind::kBoolean ? "" : "a boolean";
  if (IsMulti(option)) {
    if (kind == Kind::kStringArray) return "";
    if (kind == Kind::kTable && option.get_name() == "--qps") return "";
    return option.get_name() == "--qps" ? "a table of ACTION = N (or an array of \"ACTION=N\")"
                                        : "an array of strings";
  }
  if (number) {
    if (kind == Kind::kInteger || (type == "FLOAT" && kind == Kind::kFloat)) return "";
    return type == "FLOAT" ? "a number" : "an integer";
  }
  return kind == Kind::kString ? "" : "a string";
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, comma - start);
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

// Feeds `words` through `option` as if given on the command line.
Status Apply(CLI::Option& option, const std::vector<std::string>& words, const std::string& where,
             const std::string& key) {
  try {
    option.clear();
    // An empty list leaves the default, itself empty for every list flag.
    if (words.empty()) return Status::Ok();
    for (const auto& word : words) option.add_result(word);
    option.run_callback();
  } catch (const CLI::Error& e) {
    return Refuse(where, "'" + key + "': " + e.what());
  }
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<const ConfigFile>> ConfigFile::Parse(const std::string& text,
                                                            const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Refuse(At(path, static_cast<int>(e.source().begin.line)), std::string(e.description()));
  }
  auto file = std::make_shared<ConfigFile>();
  file->path_ = path;
  for (auto&& [name, value] : table) {
    ASSIGN_OR_RETURN(auto entry, ToEntry(value, path, std::string(name.str())));
    entry.line = static_cast<int>(name.source().begin.line);
    file->entries_[std::string(name.str())] = std::move(entry);
  }
  return std::shared_ptr<const ConfigFile>(std::move(file));
}

Result<std::shared_ptr<const ConfigFile>> ConfigFile::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Refuse(path, "cannot read the config file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return Parse(text, path);
}

const ConfigFile::Entry* ConfigFile::Find(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

Status ConfigFile::CheckKeys(const std::vector<std::string>& known) const {
  const std::set<std::string> names(known.begin(), known.end());
  // By line, so the first unknown key in the file is the one named.
  std::vector<std::pair<int, std::string>> unknown;
  for (const auto& [key, entry] : entries_)
    if (!names.contains(key)) unknown.emplace_back(entry.line, key);
  if (unknown.empty()) return Status::Ok();
  std::sort(unknown.begin(), unknown.end());
  return Refuse(At(path_, unknown[0].first),
                "unknown key '" + unknown[0].second +
                    "' (each key is a serve flag without its dashes: kanjian serve --help)");
}

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

std::string EnvNameOf(const std::string& key) {
  std::string name = "KANJIAN_";
  for (char c : key) name += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return name;
}

Result<std::vector<ResolvedSetting>> ResolveSettings(CLI::App& command, const ConfigFile* file,
                                                     const GetEnv& env,
                                                     const std::vector<std::string>& also_known) {
  std::vector<ResolvedSetting> out;
  std::vector<std::string> known = also_known;
  for (CLI::Option* option : command.get_options()) {
    if (option == command.get_help_ptr() || option->get_lnames().empty()) continue;
    ResolvedSetting setting;
    setting.key = option->get_lnames().front();
    setting.multi = IsMulti(*option);
    known.push_back(setting.key);
    if (option->count() > 0) {
      setting.source = "flag";
    } else if (auto value = env(EnvNameOf(setting.key))) {
      setting.source = "env";
      setting.where = EnvNameOf(setting.key);
      const auto words = setting.multi ? SplitList(*value) : std::vector<std::string>{*value};
      RETURN_IF_ERROR(Apply(*option, words, setting.where, setting.key));
    } else if (const ConfigFile::Entry* entry = file ? file->Find(setting.key) : nullptr) {
      setting.source = "file";
      setting.where = At(file->path(), entry->line);
      if (std::string want = CheckKind(*option, entry->kind); !want.empty())
        return Refuse(setting.where,
                      "'" + setting.key + "' must be " + want + ", not " + KindName(entry->kind));
      RETURN_IF_ERROR(Apply(*option, entry->words, setting.where, setting.key));
    } else {
      setting.source = "default";
    }
    if (setting.source == "default") {
      const std::string text = option->get_default_str();
      if (IsFlag(*option)) {
        setting.values = {"false"};
      } else if (!text.empty() && !setting.multi) {
        setting.values = {text};
      } else if (!setting.multi) {
        setting.values = {""};
      }
    } else if (IsFlag(*option)) {
      setting.values = {option->as<bool>() ? "true" : "false"};
    } else {
      setting.values = option->results();
    }
    out.push_back(std::move(setting));
  }
  if (file) {
    RETURN_IF_ERROR(file->CheckKeys(known));
  }
  return out;
}

std::string RedactSecrets(const std::string& value) {
  std::string out = value;
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t end = out.find_first_of("/?#", start);
    const size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= start) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (size_t at = out.find("password="); at != std::string::npos;
       at = out.find("password=", at + 1)) {
    const size_t from = at + 9;
    const size_t end = std::min(out.find('&', from), out.size());
    out.replace(from, end - from, "***");
  }
  return out;
}

std::string RedactSetting(const std::string& key, const std::string& value) {
  if (key.ends_with("password")) return value.empty() ? "" : "***";
  return RedactSecrets(value);
}

}  // namespace kanjian::cli
