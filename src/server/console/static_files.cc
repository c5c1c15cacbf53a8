#include "server/console/static_files.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "common/ascii.h"
#include "common/crypto.h"
#include "server/console/compress.h"

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

// PNG is compressed already; every other served type is text.
bool Compressible(const std::string& content_type) {
  return content_type != "image/png";
}

HttpResponse NotFound() {
  HttpResponse res;
  res.status = 404;
  res.content_type = "text/plain; charset=utf-8";
  res.body = "not found\n";
  AddSecurityHeaders(res);
  return res;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls `each(item)` for every comma-separated item of a header value, trimmed.
template <class F>
void ForEachItem(std::string_view value, F each) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    each(Trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// The q value of one Accept-Encoding item ("gzip;q=0.5"); 1 when absent,
// 0 when malformed (a coding the client did not clearly ask for is not sent).
double QualityOf(std::string_view params) {
  const size_t q = params.find("q=");
  if (q == std::string_view::npos) return 1;
  try {
    return std::stod(std::string(Trim(params.substr(q + 2))));
  } catch (...) {
    return 0;
  }
}

std::shared_ptr<const std::string> Keep(std::optional<std::string> packed, size_t original) {
  if (!packed || packed->size() > original - original / 10) return nullptr;
  return std::make_shared<const std::string>(std::move(*packed));
}

}  // namespace

StaticAsset MakeStaticAsset(std::string bytes, std::string content_type) {
  StaticAsset asset;
  asset.etag = "\"" + crypto::Hex(crypto::Sha256(bytes)).substr(0, 32) + "\"";
  if (Compressible(content_type)) {
    asset.gzip = Keep(Gzip(bytes), bytes.size());
    asset.brotli = Keep(Brotli(bytes), bytes.size());
  }
  asset.content_type = std::move(content_type);
  asset.identity = std::make_shared<const std::string>(std::move(bytes));
  return asset;
}

Coding ChooseCoding(std::string_view accept_encoding, bool have_gzip, bool have_brotli) {
  double gzip = -1, brotli = -1, any = -1;  // -1: not named
  ForEachItem(accept_encoding, [&](std::string_view item) {
    const size_t semi = item.find(';');
    const std::string name = AsciiLower(Trim(item.substr(0, semi)));
    const double q = semi == std::string_view::npos ? 1 : QualityOf(item.substr(semi + 1));
    if (name == "gzip" || name == "x-gzip") gzip = q;
    if (name == "br") brotli = q;
    if (name == "*") any = q;
  });
  if (brotli < 0) brotli = any;
  if (gzip < 0) gzip = any;
  if (have_brotli && brotli > 0) return Coding::kBrotli;
  if (have_gzip && gzip > 0) return Coding::kGzip;
  return Coding::kIdentity;
}

std::string EtagOf(const StaticAsset& asset, Coding coding) {
  const std::string bare = asset.etag.substr(0, asset.etag.size() - 1);
  switch (coding) {
    case Coding::kGzip:
      return bare + "-gz\"";
    case Coding::kBrotli:
      return bare + "-br\"";
    case Coding::kIdentity:
      break;
  }
  return asset.etag;
}

bool IfNoneMatchHits(std::string_view if_none_match, std::string_view etag) {
  bool hit = false;
  ForEachItem(if_none_match, [&](std::string_view tag) {
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == "*" || tag == etag) hit = true;
  });
  return hit;
}

void AddSecurityHeaders(HttpResponse& res) {
  res.headers.push_back({"Content-Security-Policy", kContentSecurityPolicy});
  res.headers.push_back({"X-Content-Type-Options", "nosniff"});
  res.headers.push_back({"Referrer-Policy", "no-referrer"});
  res.headers.push_back({"X-Frame-Options", "DENY"});
}

StaticFiles::StaticFiles(StaticOptions options) : options_(std::move(options)) {
  // The largest file, compressed before the first page asks for it.
  (void)Asset(options_.echarts, "text/javascript; charset=utf-8");
}

std::shared_ptr<const StaticAsset> StaticFiles::Asset(const std::string& file,
                                                      const char* type) const {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  auto same = [&](const Cached& c) {
    return c.asset && c.device == st.st_dev && c.inode == st.st_ino && c.size == st.st_size &&
           c.mtime.tv_sec == st.st_mtim.tv_sec && c.mtime.tv_nsec == st.st_mtim.tv_nsec;
  };
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(file); it != cache_.end() && same(it->second))
      return it->second.asset;
  }
  // Loaded outside the lock (compressing the largest file takes a while):
  // requests for other files go on; two first requests for one file may
  // both load it, and the later simply replaces the earlier.
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  if (!in || !(bytes << in.rdbuf())) return nullptr;
  Cached loaded{st.st_dev, st.st_ino, st.st_size, st.st_mtim,
                std::make_shared<const StaticAsset>(MakeStaticAsset(std::move(bytes).str(), type))};
  std::lock_guard lock(mu_);
  cache_[file] = loaded;
  return loaded.asset;
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
  const std::shared_ptr<const StaticAsset> asset = Asset(file, type);
  if (!asset) return NotFound();

  const Coding coding =
      ChooseCoding(req.Header("accept-encoding"), asset->gzip != nullptr, asset->brotli != nullptr);
  const std::string etag = EtagOf(*asset, coding);
  HttpResponse res;
  res.content_type = asset->content_type;
  res.headers.push_back({"ETag", etag});
  res.headers.push_back({"Cache-Control", "no-cache"});
  res.headers.push_back({"Vary", "Accept-Encoding"});
  AddSecurityHeaders(res);
  if (IfNoneMatchHits(req.Header("if-none-match"), etag)) {
    res.status = 304;
    return res;
  }
  switch (coding) {
    case Coding::kBrotli:
      res.headers.push_back({"Content-Encoding", "br"});
      res.shared_body = asset->brotli;
      break;
    case Coding::kGzip:
      res.headers.push_back({"Content-Encoding", "gzip"});
      res.shared_body = asset->gzip;
      break;
    case Coding::kIdentity:
      res.shared_body = asset->identity;
      break;
  }
  return res;
}

}  // namespace kanjian::server::console
