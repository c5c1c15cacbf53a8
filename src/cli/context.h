// What every subcommand shares: the global options (--db, --json, --at)
// and the objects built from them, created on first use.
#pragma once

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "billing/accounts.h"
#include "billing/billing.h"
#include "cli/settings.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "store/store.h"

namespace kanjian::cli {

// Month boundaries, dates on output: Asia/Shanghai (docs/billing.md).
inline constexpr int kDisplayOffsetSeconds = 8 * 3600;

struct GlobalOptions {
  std::string db = "kanjian.db";
  // Where db came from, as `config check` shows it (cli/settings.h).
  std::string db_source = "default";
  std::string db_where;
  bool json = false;
  bool version = false;  // --version: print what this binary is, and exit
  // --config or $KANJIAN_CONFIG; the file, parsed, once the command line is.
  std::string config_path;
  std::shared_ptr<const ConfigFile> config;
  // --at, parsed (and refused if malformed) by the command line itself, so
  // no command can fall back to the wall clock on a typo; nullopt = now.
  std::optional<UnixMicros> at;
};

class Context {
 public:
  // `options` is filled by the parser before any command runs.
  explicit Context(const GlobalOptions& options, std::ostream& out = std::cout,
                   std::ostream& err = std::cerr)
      : options_(options), out_(out), err_(err) {}

  const GlobalOptions& options() const { return options_; }
  // Fixed at --at for one-shot commands; `serve` runs a clock from it.
  const Clock& clock();
  // For long-running commands: the clock starts at --at (or now) and runs
  // on. Call before clock() is first used.
  void UseRunningClock();
  Result<store::Store*> store();
  // With the master key, checked against the database (auth::OpenMasterKey):
  // for commands that seal or open a SecretKey (account create, key create,
  // key rotate, serve).
  Result<billing::AccountService*> accounts();
  // Without reading the master key at all: for commands that neither seal
  // nor open one (account activate, key list/enable/disable), so they work
  // on a database whose key is lost.
  Result<billing::AccountService*> accounts_without_key();
  // The master key opened by accounts(); null before it succeeded.
  const crypto::SecretBox* master_box() const { return box_.get(); }
  Result<billing::BillingService*> billing();

  // Prints `value` (--json) or `text`, returns exit code 0.
  int Print(const nlohmann::json& value, const std::string& text) const;
  // Prints the error ({"Error":{Code,Message}} with --json), returns 1.
  int Fail(const Status& status) const;

 private:
  const GlobalOptions& options_;
  std::ostream& out_;  // Print and --json errors
  std::ostream& err_;  // errors without --json
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<crypto::SecretBox> box_;
  std::unique_ptr<billing::AccountService> accounts_;
  std::unique_ptr<billing::AccountService> accounts_without_key_;
  std::unique_ptr<billing::BillingService> billing_;
};

std::string FormatTime(UnixMicros t);

// $KANJIAN_CACHE, else ~/.cache/kanjian: downloads, ONNX Runtime, models.
std::string CacheDir();
// The default of every --models: $KANJIAN_MODELS, else the installed or
// cached models (cli/install_paths.h).
std::string DefaultModelsDir();

}  // namespace kanjian::cli
