// Tells this process when any API key changes in the database, whichever
// node or command changed it, so keys can be cached (auth::ApiKeys): a
// trigger on api_keys sends NOTIFY kanjian_keys (schema step 6), and a
// thread here LISTENs on a connection of its own and counts.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

namespace kanjian::store::pg {

class KeyWatch {
 public:
  explicit KeyWatch(std::string uri);  // starts listening
  ~KeyWatch();                         // stops, within ~100 ms
  KeyWatch(const KeyWatch&) = delete;
  KeyWatch& operator=(const KeyWatch&) = delete;

  // Changes after every key change committed since the last call (and
  // whenever listening stopped or resumed, as changes may have been
  // missed); nullopt while not listening: nothing may be cached then.
  std::optional<uint64_t> Version() const;

 private:
  void Loop();
  const std::string uri_;
  std::atomic<uint64_t> version_{0};
  std::atomic<bool> listening_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace kanjian::store::pg
