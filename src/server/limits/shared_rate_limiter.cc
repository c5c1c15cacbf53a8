#include "server/limits/shared_rate_limiter.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

#include "common/error_codes.h"

namespace kanjian::server {
namespace {

// GCRA (the generic cell rate algorithm): the bucket is one number, the
// "theoretical arrival time" of the next call. A call is allowed when it
// keeps that time within `burst` intervals of now — the same answers as a
// token bucket of capacity qps refilled qps a second (rate_limiter.cc).
// Times are integer microseconds; Lua numbers are doubles, exact below 2^53.
constexpr char kGcraScript[] = R"lua(
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local next_tat = tat + interval
if next_tat - now > burst * interval then return 0 end
redis.call('SET', KEYS[1], string.format('%d', next_tat),
           'PX', math.ceil((next_tat - now) / 1000) + 1000)
return 1
)lua";

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// hiredis writes with write(2): to a Redis that died, that raises SIGPIPE,
// which would kill the server. Block it on this thread for the command and
// swallow one that arrived (the error is seen as a failed reply instead).
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~SigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, SIGPIPE) && !sigismember(&old_, SIGPIPE)) {
      const timespec zero{0, 0};
      sigtimedwait(&pipe_, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_, old_;
};

Reply Command(redisContext* c, const std::vector<std::string>& args) {
  SigpipeBlock no_sigpipe;
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return Reply(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), argv.data(), lens.data())));
}

bool ParseInt(std::string_view s, int* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<RedisAddress> ParseRedisUrl(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return Status(errc::kInvalidConfiguration, "--redis " + why + ": " + url);
  };
  RedisAddress a;
  std::string_view rest = url;
  for (std::string_view unix_prefix : {"unix://", "redis+unix://"}) {
    if (rest.starts_with(unix_prefix)) {
      rest.remove_prefix(unix_prefix.size());
      size_t q = rest.find("?db=");
      a.unix_socket = std::string(rest.substr(0, q));
      if (a.unix_socket.empty() || a.unix_socket[0] != '/')
        return bad("wants an absolute socket path");
      if (q != std::string_view::npos && !ParseInt(rest.substr(q + 4), &a.db))
        return bad("db is not a number");
      return a;
    }
  }
  if (!rest.starts_with("redis://")) return bad("wants redis://host[:port][/db] or unix:///path");
  rest.remove_prefix(8);
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    size_t colon = userinfo.find(':');
    a.password =
        std::string(colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1));
    rest.remove_prefix(at + 1);
  }
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !ParseInt(db, &a.db)) return bad("db is not a number");
    rest = rest.substr(0, slash);
  }
  if (size_t colon = rest.rfind(':');
      colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
    if (!ParseInt(rest.substr(colon + 1), &a.port) || a.port <= 0 || a.port > 65535)
      return bad("port is not valid");
    rest = rest.substr(0, colon);
  }
  if (!rest.empty()) a.host = std::string(rest);
  return a;
}

struct SharedRateLimiter::Connection {
  redisContext* context = nullptr;
  std::string script_sha;
  ~Connection() {
    if (context) redisFree(context);
  }
};

SharedRateLimiter::SharedRateLimiter(SharedRateLimiterOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), fallback_(clock) {}

SharedRateLimiter::~SharedRateLimiter() = default;

std::unique_ptr<SharedRateLimiter::Connection> SharedRateLimiter::Borrow() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (clock_.NowMicros() < down_until_) return nullptr;
  }
  auto c = Connect();
  if (!c) MarkDown();
  return c;
}

std::unique_ptr<SharedRateLimiter::Connection> SharedRateLimiter::Connect() const {
  const timeval tv{options_.timeout_ms / 1000, suseconds_t{options_.timeout_ms % 1000} * 1000};
  const RedisAddress& a = options_.address;
  auto c = std::make_unique<Connection>();
  c->context = a.unix_socket.empty() ? redisConnectWithTimeout(a.host.c_str(), a.port, tv)
                                     : redisConnectUnixWithTimeout(a.unix_socket.c_str(), tv);
  if (!c->context || c->context->err || redisSetTimeout(c->context, tv) != REDIS_OK) return nullptr;
  auto ok = [](const Reply& r) { return r && r->type != REDIS_REPLY_ERROR; };
  if (!a.password.empty() && !ok(Command(c->context, {"AUTH", a.password}))) return nullptr;
  if (a.db != 0 && !ok(Command(c->context, {"SELECT", std::to_string(a.db)}))) return nullptr;
  Reply sha = Command(c->context, {"SCRIPT", "LOAD", kGcraScript});
  if (!sha || sha->type != REDIS_REPLY_STRING) return nullptr;
  c->script_sha.assign(sha->str, sha->len);
  return c;
}

void SharedRateLimiter::Return(std::unique_ptr<Connection> c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!up_) spdlog::info("rate limits: Redis reachable again, limits are shared across nodes");
  up_ = true;
  idle_.push_back(std::move(c));
}

void SharedRateLimiter::MarkDown() {
  std::lock_guard<std::mutex> lock(mu_);
  if (up_) {
    spdlog::warn(
        "rate limits: Redis unreachable; each node limits to max(1, qps / {}) until it is back",
        options_.nodes);
  }
  up_ = false;
  idle_.clear();  // a restarted Redis needs new connections (and the script loaded again)
  down_until_ = clock_.NowMicros() + options_.retry_after_us;
}

SharedRateLimiter::Outcome SharedRateLimiter::AskRedis(const std::string& key, int qps) {
  std::unique_ptr<Connection> c = Borrow();
  if (!c) return Outcome::kUnavailable;
  const std::vector<std::string> args = {"EVALSHA",
                                         c->script_sha,
                                         "1",
                                         key,
                                         std::to_string(clock_.NowMicros()),
                                         std::to_string(1'000'000 / qps),
                                         std::to_string(qps)};
  Reply r = Command(c->context, args);
  if (r && r->type == REDIS_REPLY_ERROR &&
      std::string_view(r->str, r->len).starts_with("NOSCRIPT")) {
    std::vector<std::string> eval = args;  // Redis lost its scripts (SCRIPT FLUSH): send it whole
    eval[0] = "EVAL";
    eval[1] = kGcraScript;
    r = Command(c->context, eval);
  }
  if (!r || r->type != REDIS_REPLY_INTEGER) {
    if (r && r->type == REDIS_REPLY_ERROR)
      spdlog::warn("rate limits: Redis answered {}", std::string(r->str, r->len));
    MarkDown();
    return Outcome::kUnavailable;
  }
  const bool allowed = r->integer == 1;
  Return(std::move(c));
  return allowed ? Outcome::kAllowed : Outcome::kRefused;
}

bool SharedRateLimiter::Allow(const std::string& account_id, const std::string& action, int qps) {
  if (qps <= 0) return false;
  switch (AskRedis("kanjian:qps:" + account_id + "/" + action, qps)) {
    case Outcome::kAllowed:
      return true;
    case Outcome::kRefused:
      return false;
    case Outcome::kUnavailable:
      break;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++fallback_calls_;
  }
  return fallback_.Allow(account_id, action, std::max(1, qps / std::max(1, options_.nodes)));
}

uint64_t SharedRateLimiter::fallback_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fallback_calls_;
}

bool SharedRateLimiter::redis_up() const {
  std::lock_guard<std::mutex> lock(mu_);
  return up_;
}

}  // namespace kanjian::server
