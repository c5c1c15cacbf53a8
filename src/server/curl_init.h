// libcurl's global initialisation, once per process, before the first
// handle: curl_global_init is not thread-safe, so both curl users (the
// ImageUrl fetcher, the alert transports) go through this.
#pragma once

#include <curl/curl.h>

#include <mutex>

namespace kanjian::server {

inline void CurlGlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace kanjian::server
