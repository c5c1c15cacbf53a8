// The request head as the HTTP front reads it (server/http/http_server.cc
// OnHead): CheckRawHead on the bytes through the blank line, Boost.Beast's
// request parser (header-only, so instrumented here too), CheckFraming on
// the fields it parsed, SplitTarget on the request-target, with the serve
// defaults (16 KiB head, 64 fields). Properties: a head CheckRawHead passes
// has no bare CR or LF and no control byte but HTAB; a framing without
// error is unambiguous (RFC 9112: one Host on HTTP/1.1, at most one
// Content-Length and then no Transfer-Encoding, chunked only alone and on
// HTTP/1.1, a length that is the plain decimal sent); a split target is an
// absolute path without '?'; no exception escapes.
#include <boost/beast/http.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "server/http/http_framing.h"

namespace http = boost::beast::http;
using namespace kanjian::server;

namespace {

constexpr size_t kMaxHeadBytes = 16 * 1024;  // HttpServerOptions defaults
constexpr int kMaxHeaderFields = 64;

void CheckCleanHead(std::string_view head) {
  for (size_t i = 0; i < head.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(head[i]);
    if (c == '\r') FUZZ_CHECK(i + 1 < head.size() && head[i + 1] == '\n');
    if (c == '\n') FUZZ_CHECK(i > 0 && head[i - 1] == '\r');
    FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\r' || c == '\n');
    FUZZ_CHECK(c != 0x7f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t end = input.find("\r\n\r\n");
  if (end == std::string_view::npos || end + 4 > kMaxHeadBytes) return 0;  // never a head
  const std::string_view head = input.substr(0, end + 4);

  if (CheckRawHead(head, kMaxHeaderFields) != HeadVerdict::kOk) return 0;
  CheckCleanHead(head);

  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(kMaxHeadBytes));
  parser.body_limit(boost::none);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(head.data(), head.size()), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& message = parser.get();
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    fields.emplace_back(std::move(name), std::string(field.value()));
  }
  FUZZ_CHECK(fields.size() <= static_cast<size_t>(kMaxHeaderFields));

  const Framing framing = CheckFraming(static_cast<int>(message.version()), fields);
  std::string path, query;
  const bool split = SplitTarget(std::string_view(message.target().data(), message.target().size()),
                                 &path, &query);
  if (split) {
    FUZZ_CHECK(!path.empty() && path.front() == '/' && path.find('?') == std::string::npos);
  }
  if (!framing.error.empty()) return 0;

  int hosts = 0, lengths = 0, encodings = 0;
  std::string length;
  for (const auto& [name, value] : fields) {
    hosts += name == "host";
    encodings += name == "transfer-encoding";
    if (name == "content-length") {
      ++lengths;
      length = value;
    }
  }
  const int version = static_cast<int>(message.version());
  FUZZ_CHECK(version == 10 || version == 11);
  if (version == 11) FUZZ_CHECK(hosts == 1);
  FUZZ_CHECK(lengths <= 1 && encodings <= 1 && !(lengths && encodings));
  switch (framing.body) {
    case Framing::Body::kChunked:
      FUZZ_CHECK(encodings == 1 && version == 11);
      break;
    case Framing::Body::kLength: {
      FUZZ_CHECK(lengths == 1 && framing.length > 0);
      const size_t first = length.find_first_not_of(" \t");
      const std::string digits = length.substr(first, length.find_last_not_of(" \t") - first + 1);
      FUZZ_CHECK(!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos);
      FUZZ_CHECK(std::stoull(digits) == framing.length);
      break;
    }
    case Framing::Body::kNone:
      FUZZ_CHECK(encodings == 0 && (lengths == 0 || framing.length == 0));
      break;
  }
  return 0;
}
