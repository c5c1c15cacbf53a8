// Plain HTTP request/response values: what the transport (http_server.h)
// hands to routes and gets back. No framework types, so routes and their
// tests never see Boost.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/ascii.h"

namespace kanjian::server {

// The largest request body, for every endpoint on the port (--max-body-bytes):
// the transport refuses a larger one unread, the handlers check again.
inline constexpr size_t kDefaultMaxBodyBytes = 6u << 20;

struct HttpRequest {
  std::string method;                          // as sent: "POST", "GET", "PUT", …
  std::string path;                            // the target up to '?'
  std::string query;                           // after '?', undecoded ("" when absent)
  std::map<std::string, std::string> headers;  // lowercase names; repeats joined with ", "
  std::string body;
  std::string peer_address;  // numeric TCP peer address (never X-Forwarded-For)
  bool tls = false;
  // True once the client has closed its side of the connection: work done
  // for it after that is wasted (and must not be billed). Never null.
  std::function<bool()> client_gone = [] { return false; };

  std::string Header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? "" : it->second;
  }

  // The Content-Type's media type without parameters ("; charset=utf-8"), lowercase.
  std::string MediaType() const {
    std::string value = Header("content-type");
    value = value.substr(0, value.find(';'));
    while (!value.empty() && value.back() == ' ') value.pop_back();
    return AsciiLower(value);
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  // A body shared by many answers (a static file), used instead of `body`
  // when set: the transport writes straight from it, so a client that reads
  // slowly holds a reference, never a copy.
  std::shared_ptr<const std::string> shared_body;
};

}  // namespace kanjian::server
