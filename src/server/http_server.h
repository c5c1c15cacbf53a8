// HTTP transport on cpp-httplib: POST / → ApiHandler, GET /healthz,
// GET /metrics, POST /admin/reload (loopback peers only, admin_reload.h).
// Handlers run on httplib's connection threads and only wait there;
// inference runs on the vision pool.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "server/api_handler.h"
#include "server/server_metrics.h"

namespace httplib {
class Server;
}

namespace kanjian::vision {
class ModelRegistry;
}

namespace kanjian::server {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 16;                        // connection threads (waiting is cheap)
  size_t hard_body_limit = 32 * 1024 * 1024;  // not even read beyond this
  int read_timeout_s = 10;
  int write_timeout_s = 10;
  // POST /admin/reload reloads it (the same reload as SIGHUP); null = no
  // such route.
  std::shared_ptr<vision::ModelRegistry> models;
};

class HttpServer {
 public:
  HttpServer(HttpOptions options, ApiHandler& api, const ServerMetrics& metrics);
  ~HttpServer();

  // Binds, then serves until Stop(). Returns after in-flight requests finish.
  Status Run();
  // Binds only (port 0 picks a free port); then Serve() blocks.
  Status Bind();
  int port() const { return bound_port_; }
  Status Serve();
  // Safe from any thread (e.g. the SIGTERM watcher).
  void Stop();

 private:
  const HttpOptions options_;
  ApiHandler& api_;
  const ServerMetrics& metrics_;
  std::unique_ptr<httplib::Server> http_;
  int bound_port_ = 0;
};

}  // namespace kanjian::server
