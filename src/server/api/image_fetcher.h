// ImageUrl (docs/api.md §4) through a fetcher that cannot be turned into an SSRF
// proxy; which hosts and addresses are allowed is address_policy.h. Every hop (the URL and each
// redirect, at most `max_redirects`):
//   1. scheme http or https only (curl is also restricted to them);
//   2. host on the operator's allow-list (empty list = ImageUrl refused);
//   3. DNS resolved here; every address must be public (no loopback,
//      private, CGNAT, link-local/metadata, multicast, reserved, ULA …);
//   4. the connection is pinned to the checked address (CURLOPT_RESOLVE),
//      and a socket callback refuses any other address, so a second DNS
//      answer (rebinding) or a proxy from the environment cannot redirect it.
// Redirects are followed here, never by curl. The whole fetch, DNS included,
// must finish within `total_timeout_ms`, and the body within the caller's
// byte cap.
//
// Errors: errc::kUrlIllegal (scheme, allow-list, forbidden address, bad
// URL), errc::kDownLoadError (DNS failure, connect/HTTP failure, non-2xx,
// too many redirects, time cap), errc::kImageSizeExceed (body over the cap).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kanjian::server {

struct ImageFetcherOptions {
  // Host names allowed in ImageUrl: "img.example.com" matches exactly that
  // host; ".example.com" matches any host below example.com (not
  // example.com itself); "*" matches every host (the address checks still
  // apply). Matching is case-insensitive; a trailing dot is ignored.
  std::vector<std::string> allow;
  // FOR TESTS ONLY: also accept loopback addresses (127/8, ::1), so a test
  // server on 127.0.0.1 can serve images. Everything else stays refused.
  bool allow_loopback_for_tests = false;
  int total_timeout_ms = 3000;
  int max_redirects = 3;
};

class ImageFetcher {
 public:
  explicit ImageFetcher(ImageFetcherOptions options);

  // False when the allow-list is empty: every ImageUrl is refused.
  bool enabled() const { return !options_.allow.empty(); }

  // Downloads `url` (the errors are listed at the top of this file).
  // Blocking; runs on the caller's (connection) thread.
  Result<std::string> Fetch(const std::string& url, size_t max_bytes) const;

  const ImageFetcherOptions& options() const { return options_; }

 private:
  // Constant after construction.
  const ImageFetcherOptions options_;
};

}  // namespace kanjian::server
