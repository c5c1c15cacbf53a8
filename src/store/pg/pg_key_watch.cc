#include "store/pg/pg_key_watch.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "store/pg/pg_db.h"

namespace kanjian::store::pg {
namespace {
constexpr int kWaitMs = 100;       // how soon a stop is noticed
constexpr int kReconnectMs = 200;  // between attempts while the server is away
}  // namespace

KeyWatch::KeyWatch(std::string uri) : uri_(std::move(uri)) {
  thread_ = std::thread([this] { Loop(); });
}

KeyWatch::~KeyWatch() {
  stop_ = true;
  thread_.join();
}

std::optional<uint64_t> KeyWatch::Version() const {
  // The version is read before listening_: a drop bumps it after clearing
  // listening_, so a reader never pairs a pre-drop version with "listening".
  const uint64_t v = version_.load();
  if (!listening_.load()) return std::nullopt;
  return v;
}

void KeyWatch::Loop() {
  bool warned = false;
  while (!stop_) {
    auto db = PgConnection::Open(uri_);
    if (db.ok() && (*db)->Exec("LISTEN kanjian_keys").ok()) {
      // Anything may have changed while nobody listened.
      version_.fetch_add(1);
      listening_ = true;
      warned = false;
      while (!stop_) {
        auto n = (*db)->WaitForNotifications(kWaitMs);
        if (!n.ok()) {
          spdlog::warn("key cache off until PostgreSQL is back: {}", n.status().message());
          break;
        }
        if (*n > 0) version_.fetch_add(1);
      }
      listening_ = false;
      version_.fetch_add(1);
      continue;
    }
    if (!warned)
      spdlog::warn("key cache off: cannot LISTEN on PostgreSQL: {}",
                   db.ok() ? "LISTEN failed" : db.status().message());
    warned = true;
    for (int waited = 0; waited < kReconnectMs && !stop_; waited += kWaitMs)
      std::this_thread::sleep_for(std::chrono::milliseconds(kWaitMs));
  }
}

}  // namespace kanjian::store::pg
