#include "server/console/static_files.h"

#include <fstream>
#include <regex>
#include <sstream>

namespace kanjian::server::console {
namespace {

const char* ContentTypeOf(const std::string& path) {
  auto ends = [&](const char* ext) {
    const std::string e(ext);
    return path.size() >= e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  return nullptr;
}

HttpResponse NotFound() {
  HttpResponse res;
  res.status = 404;
  res.content_type = "text/plain; charset=utf-8";
  res.body = "not found\n";
  AddSecurityHeaders(res);
  return res;
}

}  // namespace

void AddSecurityHeaders(HttpResponse& res) {
  res.headers.push_back({"Content-Security-Policy", kContentSecurityPolicy});
  res.headers.push_back({"X-Content-Type-Options", "nosniff"});
  res.headers.push_back({"Referrer-Policy", "no-referrer"});
  res.headers.push_back({"X-Frame-Options", "DENY"});
}

HttpResponse StaticFiles::Handle(const HttpRequest& req) const {
  if (req.method != "GET" && req.method != "HEAD") return NotFound();
  std::string rel = req.path == "/console" ? "" : req.path.substr(std::string("/console/").size());
  if (rel.empty() || rel.back() == '/') rel += "index.html";  // /console/operator/ too
  static const std::regex kSafe("([A-Za-z0-9_-][A-Za-z0-9_.-]*/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*");
  if (!std::regex_match(rel, kSafe) || rel.find("..") != std::string::npos) return NotFound();
  const char* type = ContentTypeOf(rel);
  if (!type) return NotFound();
  const std::string file =
      rel == "vendor/echarts.min.js" ? options_.echarts : options_.root + "/" + rel;
  std::ifstream in(file, std::ios::binary);
  if (!in) return NotFound();
  std::stringstream bytes;
  bytes << in.rdbuf();
  HttpResponse res;
  res.content_type = type;
  res.body = bytes.str();
  res.headers.push_back({"Cache-Control", "no-cache"});
  AddSecurityHeaders(res);
  return res;
}

}  // namespace kanjian::server::console
