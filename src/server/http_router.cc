#include "server/http_router.h"

namespace kanjian::server {

const Route* HttpRouter::Find(const std::string& method, const std::string& path,
                              bool* path_known) const {
  if (path_known) *path_known = false;
  for (const Route& route : routes_) {
    const bool path_matches = route.prefix ? path.rfind(route.path, 0) == 0 : path == route.path;
    if (!path_matches) continue;
    if (path_known) *path_known = true;
    if (route.method == "*" || route.method == method) return &route;
  }
  return nullptr;
}

}  // namespace kanjian::server
