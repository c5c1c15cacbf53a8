// The console's static files (HTML, ES modules, CSS) from the top-level
// console/ directory, and the vendored ECharts build from the cache, under
// /console/. Only plain names are served ([A-Za-z0-9_.-] segments, no dot
// segments, a known extension); every answer carries the console's strict
// Content-Security-Policy: scripts and styles from this server only, no
// inline scripts, no requests elsewhere.
//
// A file is read once, hashed for its ETag and compressed (gzip, Brotli)
// once, on its first request (ECharts, the largest, at start); every answer
// then shares those immutable buffers, so a thousand clients reading a 1 MB
// file slowly hold a thousand references, not a thousand copies. A file that
// changes on disk (size, mtime or inode) is loaded again on its next request.
// Answers carry a strong ETag per coding, `Cache-Control: no-cache` (the
// browser keeps the file and revalidates: If-None-Match → 304 without a
// body) and `Vary: Accept-Encoding`.
#pragma once

#include <sys/stat.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "server/http/http_types.h"

namespace kanjian::server::console {

inline constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors "
    "'none'";

struct StaticOptions {
  std::string root;     // the console/ directory
  std::string echarts;  // echarts.min.js, served as /console/vendor/echarts.min.js
};

// One loaded file: its bytes and their compressed forms, never changed once
// built. A compressed form is kept only when it saves at least a tenth.
struct StaticAsset {
  std::string content_type;
  std::string etag;  // strong, quoted: 32 hex digits of the bytes' SHA-256
  std::shared_ptr<const std::string> identity;
  std::shared_ptr<const std::string> gzip;    // null when not worth it
  std::shared_ptr<const std::string> brotli;  // null when not worth it
};

StaticAsset MakeStaticAsset(std::string bytes, std::string content_type);

enum class Coding { kIdentity, kGzip, kBrotli };
// The coding to send for an Accept-Encoding value, among those available:
// Brotli, then gzip, then identity; a coding with q=0 is refused, "*" stands
// for any coding not named.
Coding ChooseCoding(std::string_view accept_encoding, bool have_gzip, bool have_brotli);
// The ETag of one coding of an asset ("\"<hash>\"", "\"<hash>-gz\"", "\"<hash>-br\"").
std::string EtagOf(const StaticAsset& asset, Coding coding);
// Whether an If-None-Match value matches `etag` (weak comparison, "*" matches).
bool IfNoneMatchHits(std::string_view if_none_match, std::string_view etag);

class StaticFiles {
 public:
  // Loads the ECharts build at once (when present); the rest on first request.
  explicit StaticFiles(StaticOptions options);
  // GET/HEAD /console/… ; "/console" and "/console/" serve index.html.
  HttpResponse Handle(const HttpRequest& request) const;

 private:
  // The asset for a file, loaded (or reloaded) when needed; null if unreadable.
  std::shared_ptr<const StaticAsset> Asset(const std::string& file, const char* type) const;

  struct Cached {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec mtime{};
    std::shared_ptr<const StaticAsset> asset;
  };

  const StaticOptions options_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Cached> cache_;  // by file path; guarded by mu_
};

// Adds the console's security headers (CSP, nosniff, no referrer, no framing).
void AddSecurityHeaders(HttpResponse& response);

}  // namespace kanjian::server::console
