#include "cli/context.h"

#include <cstdlib>
#include <iostream>

#include "auth/master_key.h"
#include "cli/install_paths.h"
#include "common/error_codes.h"
#include "common/iso8601.h"
#include "protocol/envelope.h"
#include "protocol/error_table.h"
#include "store/pg/pg_store.h"

namespace kanjian::cli {

std::string FormatTime(UnixMicros t) {
  return FormatIso8601(t, kDisplayOffsetSeconds);
}

std::string CacheDir() {
  if (const char* cache = std::getenv("KANJIAN_CACHE"); cache && *cache) return cache;
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.cache/kanjian";
}

std::string DefaultModelsDir() {
  return FindModelsDir(ProcessPathInputs("", "KANJIAN_MODELS")).path;
}

const Clock& Context::clock() {
  if (!clock_) {
    if (options_.at) {
      clock_ = std::make_unique<FakeClock>(*options_.at);
    } else {
      clock_ = std::make_unique<SystemClock>();
    }
  }
  return *clock_;
}

void Context::UseRunningClock() {
  if (options_.at) {
    clock_ = std::make_unique<OffsetClock>(*options_.at);
  } else {
    clock_ = std::make_unique<SystemClock>();
  }
}

Result<store::Store*> Context::store() {
  if (!store_) {
    // A libpq URI selects PostgreSQL (scale-out, docs/operators/postgresql.md);
    // anything else is a SQLite file.
    ASSIGN_OR_RETURN(auto opened, store::pg::IsPostgresUri(options_.db)
                                      ? store::pg::OpenPgStore(options_.db)
                                      : store::OpenSqliteStore(options_.db));
    store_ = std::move(opened);
  }
  return store_.get();
}

Result<billing::AccountService*> Context::accounts() {
  if (!accounts_) {
    ASSIGN_OR_RETURN(auto s, store());
    auth::MasterKeySource source;
    if (const char* env = std::getenv(auth::kMasterKeyVariable)) source.env_hex = env;
    // The sealed keys live in the shared database and every node must hold
    // the same key: no file beside a URI, the key comes from the variable.
    if (store::pg::IsPostgresUri(options_.db) && source.env_hex.empty())
      return Status(errc::kMasterKeyMissing,
                    std::string("a PostgreSQL database needs its master key in ") +
                        auth::kMasterKeyVariable +
                        " (64 hex digits, the same on every node; generate one with "
                        "`openssl rand -hex 32` for a new database)");
    source.file_path = auth::MasterKeyFileFor(options_.db);
    ASSIGN_OR_RETURN(auto box, auth::OpenMasterKey(*s, source));
    box_ = std::move(box);
    accounts_ = std::make_unique<billing::AccountService>(*s, *box_, clock());
  }
  return accounts_.get();
}

Result<billing::AccountService*> Context::accounts_without_key() {
  if (!accounts_without_key_) {
    ASSIGN_OR_RETURN(auto s, store());
    accounts_without_key_ = std::make_unique<billing::AccountService>(*s, clock());
  }
  return accounts_without_key_.get();
}

Result<billing::BillingService*> Context::billing() {
  if (!billing_) {
    ASSIGN_OR_RETURN(auto s, store());
    billing_ = std::make_unique<billing::BillingService>(*s, clock());
  }
  return billing_.get();
}

int Context::Print(const nlohmann::json& value, const std::string& text) const {
  if (options_.json) {
    out_ << value.dump() << "\n";
  } else if (!text.empty()) {
    out_ << text << "\n";
  }
  return 0;
}

int Context::Fail(const Status& status) const {
  if (options_.json) {
    nlohmann::json err = {{"Error", protocol::ErrorJson(status)}};
    out_ << err.dump() << "\n";
  } else {
    err_ << "error: " << protocol::WireCode(status.code()) << ": " << status.message() << "\n";
  }
  return 1;
}

}  // namespace kanjian::cli
