#include "server/http/http_router.h"

namespace kanjian::server {

const Route* HttpRouter::Find(const HttpRequest& request, bool* path_known) const {
  const std::string& path = request.path;
  if (path_known) *path_known = false;
  for (const Route& route : routes_) {
    const bool path_matches = route.prefix ? path.rfind(route.path, 0) == 0 : path == route.path;
    if (!path_matches) continue;
    if (path_known) *path_known = true;
    if ((route.method == "*" || route.method == request.method) &&
        (!route.when || route.when(request)))
      return &route;
  }
  return nullptr;
}

}  // namespace kanjian::server
