// A throwaway redis-server (Debian's) on a Unix socket in a directory, for
// the tests and benchmarks of the shared rate limiter.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

namespace kanjian::server {

// A redis-server child process on a Unix socket in a temp directory.
class RedisProcess {
 public:
  explicit RedisProcess(std::filesystem::path dir) : dir_(std::move(dir)) {}
  ~RedisProcess() { Stop(); }

  std::string socket() const { return (dir_ / "redis.sock").string(); }

  // Starts it and waits until it answers PING (or fails after 10 s).
  bool Start();
  void Stop();
  // Runs one command on a fresh connection; false on any error.
  bool Command(const char* cmd);
  bool Ping() { return Command("PING"); }

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

}  // namespace kanjian::server
