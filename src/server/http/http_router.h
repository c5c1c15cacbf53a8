// Routes of `kanjian serve`: exact paths (and path prefixes, for static
// files) to handlers. A route says where it runs: inline on an I/O thread
// (cheap answers such as /healthz, which must stay prompt while every
// handler thread waits on inference), on the handler pool (the API: waits on
// inference) or on the store pool (waits only on the store: as many threads
// as the store has connections, so no request waits twice, once for a
// thread and again for a connection).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "server/http/http_types.h"

namespace kanjian::server {

enum class RunOn { kIoThread, kHandlerPool, kStorePool };

struct Route {
  std::string method;  // "*" = any method (the API answers wrong methods itself)
  std::string path;
  bool prefix = false;  // path is a prefix ("/console/")
  RunOn run_on = RunOn::kHandlerPool;
  std::function<HttpResponse(const HttpRequest&)> handler;
  // Set: the route also needs this of the request's head (the billing API
  // shares the API's path and tells itself apart by X-TC-Version).
  std::function<bool(const HttpRequest&)> when = nullptr;
};

class HttpRouter {
 public:
  void Add(Route route) { routes_.push_back(std::move(route)); }

  // The first route whose path, method and `when` match; nullptr if none.
  // *path_known tells a 405 (path exists, other method) from a 404.
  const Route* Find(const HttpRequest& request, bool* path_known = nullptr) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace kanjian::server
