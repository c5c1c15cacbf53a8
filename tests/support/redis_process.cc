#include "tests/support/redis_process.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace kanjian::server {

bool RedisProcess::Start() {
  pid_ = fork();
  if (pid_ == 0) {
    const std::string sock = socket();
    execlp("redis-server", "redis-server", "--port", "0", "--unixsocket", sock.c_str(), "--save",
           "", "--appendonly", "no", "--dir", dir_.c_str(), "--logfile", "redis.log",
           static_cast<char*>(nullptr));
    _exit(127);
  }
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       std::chrono::steady_clock::now() < until;) {
    if (Ping()) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) return pid_ = -1, false;  // exec failed
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void RedisProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  std::filesystem::remove(socket());
}

bool RedisProcess::Command(const char* cmd) {
  redisContext* c = redisConnectUnix(socket().c_str());
  bool ok = false;
  if (c && !c->err) {
    auto* r = static_cast<redisReply*>(redisCommand(c, cmd));
    ok = r && r->type != REDIS_REPLY_ERROR;
    if (r) freeReplyObject(r);
  }
  if (c) redisFree(c);
  return ok;
}

}  // namespace kanjian::server
