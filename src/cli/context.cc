#include "cli/context.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "common/error_codes.h"
#include "common/iso8601.h"

namespace kanjian::cli {

std::string FormatTime(UnixMicros t) { return FormatIso8601(t, kDisplayOffsetSeconds); }

Result<UnixMicros> Context::At() const {
  if (options_.at.empty()) return SystemClock().NowMicros();
  return ParseIso8601(options_.at, kDisplayOffsetSeconds);
}

const Clock& Context::clock() {
  if (!clock_) {
    auto at = At();
    if (options_.at.empty() || !at.ok()) {
      clock_ = std::make_unique<SystemClock>();
    } else {
      clock_ = std::make_unique<FakeClock>(*at);
    }
  }
  return *clock_;
}

Status Context::UseRunningClock() {
  if (options_.at.empty()) {
    clock_ = std::make_unique<SystemClock>();
    return Status::Ok();
  }
  auto at = At();
  if (!at.ok()) return at.status();
  clock_ = std::make_unique<OffsetClock>(*at);
  return Status::Ok();
}

Result<store::Store*> Context::store() {
  if (!store_) {
    auto opened = store::OpenSqliteStore(options_.db);
    if (!opened.ok()) return opened.status();
    store_ = std::move(opened).value();
  }
  return store_.get();
}

Result<billing::AccountService*> Context::accounts() {
  if (!accounts_) {
    auto s = store();
    if (!s.ok()) return s.status();
    auto key = LoadMasterKey(options_.db);
    if (!key.ok()) return key.status();
    box_ = std::make_unique<crypto::SecretBox>(std::move(key).value());
    accounts_ = std::make_unique<billing::AccountService>(**s, *box_, clock());
  }
  return accounts_.get();
}

Result<billing::BillingService*> Context::billing() {
  if (!billing_) {
    auto s = store();
    if (!s.ok()) return s.status();
    billing_ = std::make_unique<billing::BillingService>(**s, clock());
  }
  return billing_.get();
}

int Context::Print(const nlohmann::json& value, const std::string& text) const {
  if (options_.json) {
    std::cout << value.dump() << "\n";
  } else if (!text.empty()) {
    std::cout << text << "\n";
  }
  return 0;
}

int Context::Fail(const Status& status) const {
  if (options_.json) {
    nlohmann::json err = {{"Error", {{"Code", status.code()}, {"Message", status.message()}}}};
    std::cout << err.dump() << "\n";
  } else {
    std::cerr << "error: " << status.code() << ": " << status.message() << "\n";
  }
  return 1;
}

Result<std::string> LoadMasterKey(const std::string& db_path) {
  if (const char* env = std::getenv("KANJIAN_MASTER_KEY"); env && *env) {
    auto key = crypto::Unhex(env);
    if (!key.ok() || key->size() != 32)
      return Status(errc::kInvalidParameterValue, "KANJIAN_MASTER_KEY must be 64 hex digits");
    return key;
  }
  const std::string path = db_path + ".key";
  std::ifstream in(path);
  if (in) {
    std::string hex;
    in >> hex;
    auto key = crypto::Unhex(hex);
    if (!key.ok() || key->size() != 32)
      return Status(errc::kInternalError, path + " must hold 64 hex digits");
    return key;
  }
  const std::string key = crypto::RandomBytes(32);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status(errc::kInternalError, "cannot create master key file " + path);
  const std::string hex = crypto::Hex(key) + "\n";
  const bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status(errc::kInternalError, "cannot write master key file " + path);
  return key;
}

}  // namespace kanjian::cli
