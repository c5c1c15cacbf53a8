#include "server/http/http_framing.h"
#include "common/ascii.h"

#include <algorithm>

namespace kanjian::server {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ContainsToken(std::string_view list, std::string_view token) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    if (AsciiLower(Trim(list.substr(start, comma - start))) == token) return true;
    start = comma + 1;
  }
  return false;
}

}  // namespace

HeadVerdict CheckRawHead(std::string_view head, int max_fields) {
  int lines = 0;
  bool line_start = true;
  for (size_t i = 0; i < head.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(head[i]);
    if (c == '\n') {
      if (i == 0 || head[i - 1] != '\r') return HeadVerdict::kBadRequest;  // bare LF
      ++lines;
      line_start = true;
      continue;
    }
    if (c == '\r') {
      if (i + 1 >= head.size() || head[i + 1] != '\n') return HeadVerdict::kBadRequest;
      continue;
    }
    // A header line may not start with whitespace (obs-fold, or a space
    // before the first field name); the request line may not either.
    if (line_start && (c == ' ' || c == '\t')) return HeadVerdict::kBadRequest;
    line_start = false;
    if ((c < 0x20 && c != '\t') || c == 0x7f) return HeadVerdict::kBadRequest;
  }
  // Lines: the request line, the fields, the blank line.
  if (lines - 2 > max_fields) return HeadVerdict::kFieldsTooLarge;
  return HeadVerdict::kOk;
}

Framing CheckFraming(int version, const std::vector<std::pair<std::string, std::string>>& fields) {
  Framing f;
  if (version != 10 && version != 11) {
    f.error = "HTTP version must be 1.0 or 1.1";
    return f;
  }
  int content_lengths = 0, transfer_encodings = 0, hosts = 0;
  std::string content_length, transfer_encoding, connection;
  for (const auto& [name, value] : fields) {
    if (name == "content-length") {
      ++content_lengths;
      content_length = std::string(Trim(value));
    } else if (name == "transfer-encoding") {
      ++transfer_encodings;
      transfer_encoding = AsciiLower(Trim(value));
    } else if (name == "host") {
      ++hosts;
    } else if (name == "content-encoding") {
      if (!f.content_encoding.empty()) f.content_encoding += ", ";
      f.content_encoding += AsciiLower(Trim(value));
    } else if (name == "expect") {
      f.expect_continue = AsciiLower(Trim(value)) == "100-continue";
    } else if (name == "connection") {
      connection += AsciiLower(value) + ",";
    }
  }
  if (version == 11 && hosts != 1) {
    f.error = hosts == 0 ? "HTTP/1.1 request without Host" : "more than one Host header";
    return f;
  }
  if (content_lengths > 1) {
    f.error = "more than one Content-Length";
    return f;
  }
  if (transfer_encodings > 1) {
    f.error = "more than one Transfer-Encoding";
    return f;
  }
  if (content_lengths && transfer_encodings) {
    f.error = "Content-Length together with Transfer-Encoding";
    return f;
  }
  if (transfer_encodings) {
    if (transfer_encoding != "chunked" || version == 10) {
      f.error = "Transfer-Encoding other than chunked: " + transfer_encoding;
      return f;
    }
    f.body = Framing::Body::kChunked;
  } else if (content_lengths) {
    // Plain decimal digits only: no sign, no list, no hex, at most 18 digits
    // (far above any limit, far below overflow).
    if (content_length.empty() || content_length.size() > 18 ||
        !std::all_of(content_length.begin(), content_length.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      f.error = "Content-Length is not a plain decimal number";
      return f;
    }
    f.length = std::stoull(content_length);
    f.body = f.length ? Framing::Body::kLength : Framing::Body::kNone;
  }
  f.keep_alive =
      version == 11 ? !ContainsToken(connection, "close") : ContainsToken(connection, "keep-alive");
  return f;
}

bool SplitTarget(std::string_view target, std::string* path, std::string* query) {
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
    const size_t authority = target.find("//") + 2;
    const size_t slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    if (!target.empty() && target.front() == '?') {
      *path = "/";
      *query = std::string(target.substr(1));
      return true;
    }
  }
  if (target.empty() || target.front() != '/') return false;
  const size_t q = target.find('?');
  *path = std::string(target.substr(0, q));
  *query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
  return true;
}

}  // namespace kanjian::server
