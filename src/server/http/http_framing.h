// Strict HTTP/1.1 request framing (RFC 9112), as plain functions over what
// arrived, so the rules are unit-tested and fuzzed apart from the sockets.
// Beast's parser tolerates some things a front must refuse to stay free of
// request smuggling behind a proxy (obs-fold, bare LF, equal repeated
// Content-Lengths, Transfer-Encoding codings other than chunked); these
// checks run before it and on what it parsed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kanjian::server {

enum class HeadVerdict {
  kOk,
  kBadRequest,      // → bare 400, close
  kFieldsTooLarge,  // → bare 431, close
};

// `head` is the request head through its terminating blank line. Refuses a
// bare LF, obs-fold continuation lines, control bytes other than HTAB, and
// more than `max_fields` header lines.
HeadVerdict CheckRawHead(std::string_view head, int max_fields);

struct Framing {
  enum class Body { kNone, kLength, kChunked };
  Body body = Body::kNone;
  uint64_t length = 0;           // kLength only
  std::string content_encoding;  // lowercase; "" or "identity" = none
  bool expect_continue = false;
  bool keep_alive = true;
  std::string error;  // non-empty = bare 400 and close; says why (logged)
};

// `fields` as parsed (lowercase names, values as sent, repeats kept apart);
// `version` 10 or 11 (anything else is an error).
Framing CheckFraming(int version, const std::vector<std::pair<std::string, std::string>>& fields);

// Splits a request-target into path and query. Accepts origin-form
// ("/a?b") and absolute-form ("http://host/a?b", RFC 9112 §3.2.2); anything
// else yields false.
bool SplitTarget(std::string_view target, std::string* path, std::string* query);

}  // namespace kanjian::server
