#include "auth/sign_in_throttle.h"

#include <algorithm>
#include <vector>

namespace kanjian::auth {
namespace {

// Logins have at most 64 bytes: a longer one cannot exist, and counts under
// its first 65, so a typed megabyte costs the table no more than a login.
std::string Key(const std::string& login) {
  return login.substr(0, 65);
}

}  // namespace

int64_t SignInThrottle::WaitMicros(const std::string& typed, const std::string& address,
                                   UnixMicros now) {
  const std::string login = Key(typed);
  std::lock_guard lock(mu_);
  int64_t wait = 0;
  if (auto it = pairs_.find({login, address}); it != pairs_.end())
    wait = std::max<int64_t>(wait, it->second.next_try - now);
  if (auto it = logins_.find(login);
      it != logins_.end() && it->second.failures >= rules_.login_ceiling)
    wait = std::max<int64_t>(wait, it->second.window_start + rules_.ceiling_window_micros - now);
  return wait;
}

SignInThrottle::Failure SignInThrottle::Failed(const std::string& typed, const std::string& address,
                                               UnixMicros now) {
  const std::string login = Key(typed);
  std::lock_guard lock(mu_);
  if (pairs_.size() >= rules_.max_entries || logins_.size() >= rules_.max_entries) Prune(now);
  Failure out;

  Pair& pair = pairs_[{login, address}];
  if (now - pair.last_failure > rules_.forget_micros) pair = {};
  pair.failures++;
  pair.last_failure = now;
  if (pair.failures >= rules_.free_failures) {
    const int doublings = std::min(pair.failures - rules_.free_failures, 40);
    out.wait_micros = std::min(rules_.max_wait_micros, rules_.first_wait_micros << doublings);
    pair.next_try = now + out.wait_micros;
    if (pair.failures == rules_.free_failures) {
      out.started = Lock::kAddress;
      out.failures = pair.failures;
    }
  }

  Login& all = logins_[login];
  if (now - all.window_start >= rules_.ceiling_window_micros) all = {0, now};
  if (++all.failures == rules_.login_ceiling) {
    out.started = Lock::kLogin;
    out.failures = all.failures;
  }
  if (all.failures >= rules_.login_ceiling)
    out.wait_micros =
        std::max<int64_t>(out.wait_micros, all.window_start + rules_.ceiling_window_micros - now);
  return out;
}

void SignInThrottle::Succeeded(const std::string& login, const std::string& address) {
  std::lock_guard lock(mu_);
  pairs_.erase({Key(login), address});
}

void SignInThrottle::Prune(UnixMicros now) {
  std::erase_if(pairs_, [&](const auto& kv) {
    return now - kv.second.last_failure > rules_.forget_micros && kv.second.next_try <= now;
  });
  std::erase_if(logins_, [&](const auto& kv) {
    return now - kv.second.window_start >= rules_.ceiling_window_micros;
  });
  // Still full (many addresses failing at once): forget the older half of
  // the pairs, which only gives them their free failures back.
  if (pairs_.size() >= rules_.max_entries) {
    std::vector<UnixMicros> times;
    times.reserve(pairs_.size());
    for (const auto& kv : pairs_) times.push_back(kv.second.last_failure);
    auto mid = times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2);
    std::nth_element(times.begin(), mid, times.end());
    const UnixMicros cut = *mid;
    std::erase_if(pairs_, [&](const auto& kv) { return kv.second.last_failure <= cut; });
  }
  if (logins_.size() >= rules_.max_entries) {
    std::vector<int> counts;
    counts.reserve(logins_.size());
    for (const auto& kv : logins_) counts.push_back(kv.second.failures);
    auto mid = counts.begin() + static_cast<std::ptrdiff_t>(counts.size() / 2);
    std::nth_element(counts.begin(), mid, counts.end());
    const int cut = *mid;
    // Logins under attack keep their counts; the many barely tried go.
    std::erase_if(logins_, [&](const auto& kv) {
      return kv.second.failures <= cut && kv.second.failures < rules_.login_ceiling;
    });
  }
}

}  // namespace kanjian::auth
