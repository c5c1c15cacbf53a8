#include "server/api/image_fetcher.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "common/ascii.h"
#include "common/error_codes.h"
#include "server/address_policy.h"
#include "server/curl_init.h"

namespace kanjian::server {
namespace {

using Steady = std::chrono::steady_clock;

// An address resolved for a host: the sockaddr and its numeric text.
struct Resolved {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;
};

std::string NumericText(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, buf, sizeof buf);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, buf, sizeof buf);
  return buf;
}

bool SameAddress(const sockaddr* a, const sockaddr* b) {
  if (a->sa_family != b->sa_family) return false;
  if (a->sa_family == AF_INET)
    return std::memcmp(&reinterpret_cast<const sockaddr_in*>(a)->sin_addr,
                       &reinterpret_cast<const sockaddr_in*>(b)->sin_addr, sizeof(in_addr)) == 0;
  if (a->sa_family == AF_INET6)
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(b)->sin6_addr, sizeof(in6_addr)) == 0;
  return false;
}

// getaddrinfo has no timeout, so it runs on its own detached thread and we
// wait at most until `deadline`; a late answer is dropped.
Result<std::vector<Resolved>> Resolve(const std::string& host, Steady::time_point deadline) {
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    int rc = 0;
    std::vector<Resolved> addresses;
  };
  auto shared = std::make_shared<Shared>();
  std::thread([shared, host] {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* list = nullptr;
    const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list);
    std::vector<Resolved> out;
    for (addrinfo* ai = list; rc == 0 && ai; ai = ai->ai_next) {
      if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
      Resolved r;
      std::memcpy(&r.address, ai->ai_addr, ai->ai_addrlen);
      r.length = ai->ai_addrlen;
      r.text = NumericText(ai->ai_addr);
      out.push_back(std::move(r));
    }
    if (list) freeaddrinfo(list);
    std::lock_guard<std::mutex> lock(shared->mu);
    shared->rc = rc;
    shared->addresses = std::move(out);
    shared->done = true;
    shared->cv.notify_all();
  }).detach();
  std::unique_lock<std::mutex> lock(shared->mu);
  if (!shared->cv.wait_until(lock, deadline, [&] { return shared->done; }))
    return Status(errc::kDownLoadError, "ImageUrl host name did not resolve within the time limit");
  if (shared->rc != 0 || shared->addresses.empty())
    return Status(errc::kDownLoadError, "ImageUrl host name '" + host + "' does not resolve");
  return std::move(shared->addresses);
}

struct UrlParts {
  std::string scheme, host, port;  // host without IPv6 brackets
};

Result<UrlParts> ParseUrl(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
  if (!u ||
      curl_url_set(u.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    return Status(errc::kUrlIllegal, "ImageUrl is not a valid absolute URL");
  auto part = [&](CURLUPart which, unsigned flags) -> std::string {
    char* value = nullptr;
    if (curl_url_get(u.get(), which, &value, flags) != CURLUE_OK || !value) return "";
    std::string out(value);
    curl_free(value);
    return out;
  };
  UrlParts p;
  p.scheme = AsciiLower(part(CURLUPART_SCHEME, 0));
  if (p.scheme != "http" && p.scheme != "https")
    return Status(errc::kUrlIllegal, "ImageUrl must use http or https");
  p.host = AsciiLower(part(CURLUPART_HOST, 0));
  if (p.host.size() > 2 && p.host.front() == '[' && p.host.back() == ']')
    p.host = p.host.substr(1, p.host.size() - 2);
  if (p.host.empty()) return Status(errc::kUrlIllegal, "ImageUrl has no host");
  p.port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  return p;
}

struct Transfer {
  std::string body;
  size_t max_bytes = 0;
  bool over_cap = false;
  const sockaddr* pinned = nullptr;
  bool allow_loopback = false;
  bool refused_socket = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t->body.size() + n > t->max_bytes) {
    t->over_cap = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  return n;
}

// The last line of defence: curl may only ever connect to the address we
// checked, whatever its resolver or the environment (proxies) says.
curl_socket_t OnOpenPinnedSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  const sockaddr* sa = &address->addr;
  if (purpose != CURLSOCKTYPE_IPCXN || !SameAddress(sa, t->pinned) ||
      !AddressAllowed(sa, t->allow_loopback)) {
    t->refused_socket = true;
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

}  // namespace

ImageFetcher::ImageFetcher(ImageFetcherOptions options) : options_(std::move(options)) {
  CurlGlobalInitOnce();
}

Result<std::string> ImageFetcher::Fetch(const std::string& url_in, size_t max_bytes) const {
  if (!enabled())
    return Status(errc::kUrlIllegal,
                  "ImageUrl is disabled on this server (no --image-url-allow hosts); send the "
                  "image as ImageBase64");
  const auto deadline = Steady::now() + std::chrono::milliseconds(options_.total_timeout_ms);
  const std::string limit_text = std::to_string(options_.total_timeout_ms) + " ms";
  std::string url = url_in;
  for (int hop = 0; hop <= options_.max_redirects; ++hop) {
    ASSIGN_OR_RETURN(auto parts, ParseUrl(url));
    if (!HostAllowed(parts.host, options_.allow))
      return Status(errc::kUrlIllegal,
                    "ImageUrl host '" + parts.host + "' is not on this server's allow-list");
    ASSIGN_OR_RETURN(auto addresses, Resolve(parts.host, deadline));
    for (const Resolved& r : addresses) {
      if (!AddressAllowed(reinterpret_cast<const sockaddr*>(&r.address),
                          options_.allow_loopback_for_tests))
        return Status(errc::kUrlIllegal,
                      "ImageUrl host '" + parts.host + "' resolves to a non-public address");
    }
    const Resolved& pinned = addresses.front();

    const auto left_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now()).count();
    if (left_ms <= 0)
      return Status(errc::kDownLoadError, "ImageUrl download took over " + limit_text);

    Transfer t;
    t.max_bytes = max_bytes;
    t.pinned = reinterpret_cast<const sockaddr*>(&pinned.address);
    t.allow_loopback = options_.allow_loopback_for_tests;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) return Status(errc::kInternalError, "cannot start a download");
    const std::string pin =
        parts.host + ":" + parts.port + ":" +
        (pinned.length == sizeof(sockaddr_in6) && pinned.address.ss_family == AF_INET6
             ? "[" + pinned.text + "]"
             : pinned.text);
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(
        curl_slist_append(nullptr, pin.c_str()), &curl_slist_free_all);
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");  // ignore http_proxy & co. from the environment
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(left_ms));
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long(left_ms));
    curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
    curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &OnOpenPinnedSocket);
    curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(max_bytes));
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kanjian-image-fetcher/1");
    const CURLcode rc = curl_easy_perform(c);

    const std::string size_text = std::to_string(max_bytes) + " bytes";
    if (t.over_cap || rc == CURLE_FILESIZE_EXCEEDED)
      return Status(errc::kImageSizeExceed, "the image at ImageUrl is larger than " + size_text);
    if (t.refused_socket)
      return Status(errc::kUrlIllegal,
                    "ImageUrl host '" + parts.host + "' tried to connect to an unchecked address");
    if (rc == CURLE_OPERATION_TIMEDOUT)
      return Status(errc::kDownLoadError, "ImageUrl download took over " + limit_text);
    if (rc != CURLE_OK)
      return Status(errc::kDownLoadError,
                    std::string("ImageUrl could not be downloaded: ") + curl_easy_strerror(rc));
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200 && code < 300) return std::move(t.body);
    if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
      char* next = nullptr;
      curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next);
      if (!next || !*next)
        return Status(errc::kDownLoadError, "ImageUrl answered a redirect without a Location");
      url = next;
      continue;
    }
    return Status(errc::kDownLoadError, "ImageUrl answered HTTP " + std::to_string(code));
  }
  return Status(errc::kDownLoadError, "ImageUrl redirected more than " +
                                          std::to_string(options_.max_redirects) + " times");
}

}  // namespace kanjian::server
