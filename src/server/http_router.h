// Routes of `kanjian serve`: exact paths (and path prefixes, for static
// files) to handlers. A route says where it runs: inline on an I/O thread
// (cheap answers such as /healthz, which must stay prompt while every
// handler thread waits on inference) or on the handler pool.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/http_types.h"

namespace kanjian::server {

enum class RunOn { kIoThread, kHandlerPool };

struct Route {
  std::string method;  // "*" = any method (the API answers wrong methods itself)
  std::string path;
  bool prefix = false;  // path is a prefix ("/console/")
  RunOn run_on = RunOn::kHandlerPool;
  std::function<HttpResponse(const HttpRequest&)> handler;
};

class HttpRouter {
 public:
  void Add(Route route) { routes_.push_back(std::move(route)); }

  // The first route whose path and method match; nullptr if none.
  // *path_known tells a 405 (path exists, other method) from a 404.
  const Route* Find(const std::string& method, const std::string& path,
                    bool* path_known = nullptr) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace kanjian::server
