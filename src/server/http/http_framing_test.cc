#include "server/http/http_framing.h"

#include <gtest/gtest.h>

namespace kanjian::server {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

TEST(CheckRawHead, AcceptsAPlainRequest) {
  EXPECT_EQ(CheckRawHead("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n", 64),
            HeadVerdict::kOk);
}

TEST(CheckRawHead, RefusesWhatBeastWouldTolerate) {
  EXPECT_EQ(CheckRawHead("GET / HTTP/1.1\nHost: a\r\n\r\n", 64),
            HeadVerdict::kBadRequest);  // bare LF
  EXPECT_EQ(CheckRawHead("GET / HTTP/1.1\r\nX-A: 1\r\n  folded\r\n\r\n", 64),
            HeadVerdict::kBadRequest);  // obs-fold
  EXPECT_EQ(CheckRawHead("GET / HTTP/1.1\r\n\tX-A: 1\r\n\r\n", 64), HeadVerdict::kBadRequest);
  EXPECT_EQ(CheckRawHead(std::string_view("GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n", 29), 64),
            HeadVerdict::kBadRequest);  // NUL
  EXPECT_EQ(CheckRawHead("GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", 64), HeadVerdict::kBadRequest);
}

TEST(CheckRawHead, CountsFields) {
  std::string head = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 3; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
  head += "\r\n";
  EXPECT_EQ(CheckRawHead(head, 3), HeadVerdict::kOk);
  EXPECT_EQ(CheckRawHead(head, 2), HeadVerdict::kFieldsTooLarge);
}

TEST(CheckFraming, ContentLengthAndChunked) {
  Framing f = CheckFraming(11, {{"host", "a"}, {"content-length", "12"}});
  EXPECT_TRUE(f.error.empty());
  EXPECT_EQ(f.body, Framing::Body::kLength);
  EXPECT_EQ(f.length, 12u);
  f = CheckFraming(11, {{"host", "a"}, {"transfer-encoding", "Chunked"}});
  EXPECT_TRUE(f.error.empty());
  EXPECT_EQ(f.body, Framing::Body::kChunked);
  f = CheckFraming(11, {{"host", "a"}});
  EXPECT_EQ(f.body, Framing::Body::kNone);
}

TEST(CheckFraming, RefusesSmugglingFramings) {
  const Fields refused[] = {
      {{"host", "a"}, {"content-length", "5"}, {"content-length", "5"}},
      {{"host", "a"}, {"content-length", "5"}, {"content-length", "6"}},
      {{"host", "a"}, {"content-length", "5, 5"}},
      {{"host", "a"}, {"content-length", "+5"}},
      {{"host", "a"}, {"content-length", "-1"}},
      {{"host", "a"}, {"content-length", "0x10"}},
      {{"host", "a"}, {"content-length", "99999999999999999999999"}},
      {{"host", "a"}, {"content-length", ""}},
      {{"host", "a"}, {"content-length", "5"}, {"transfer-encoding", "chunked"}},
      {{"host", "a"}, {"transfer-encoding", "gzip, chunked"}},
      {{"host", "a"}, {"transfer-encoding", "chunked"}, {"transfer-encoding", "chunked"}},
      {{"host", "a"}, {"transfer-encoding", "identity"}},
      {{"content-length", "1"}},       // HTTP/1.1 without Host
      {{"host", "a"}, {"host", "b"}},  // two Hosts
  };
  for (const Fields& fields : refused) {
    std::string shown;
    for (const auto& [n, v] : fields) shown += n + ": " + v + "; ";
    EXPECT_FALSE(CheckFraming(11, fields).error.empty()) << shown;
  }
  EXPECT_FALSE(CheckFraming(20, {{"host", "a"}}).error.empty());
  EXPECT_FALSE(CheckFraming(10, {{"transfer-encoding", "chunked"}}).error.empty());
}

TEST(CheckFraming, KeepAliveFollowsVersionAndConnection) {
  EXPECT_TRUE(CheckFraming(11, {{"host", "a"}}).keep_alive);
  EXPECT_FALSE(CheckFraming(11, {{"host", "a"}, {"connection", "Close"}}).keep_alive);
  EXPECT_FALSE(CheckFraming(10, {}).keep_alive);
  EXPECT_TRUE(CheckFraming(10, {{"connection", "keep-alive"}}).keep_alive);
}

TEST(CheckFraming, NotesEncodingAndExpect) {
  Framing f =
      CheckFraming(11, {{"host", "a"}, {"content-encoding", "GZIP"}, {"expect", "100-continue"}});
  EXPECT_EQ(f.content_encoding, "gzip");
  EXPECT_TRUE(f.expect_continue);
}

TEST(SplitTarget, OriginAndAbsoluteForms) {
  std::string path, query;
  ASSERT_TRUE(SplitTarget("/?Action=X&b=1", &path, &query));
  EXPECT_EQ(path, "/");
  EXPECT_EQ(query, "Action=X&b=1");
  ASSERT_TRUE(SplitTarget("http://h:1/healthz", &path, &query));
  EXPECT_EQ(path, "/healthz");
  EXPECT_EQ(query, "");
  ASSERT_TRUE(SplitTarget("https://h?x=1", &path, &query));
  EXPECT_EQ(path, "/");
  EXPECT_EQ(query, "x=1");
  EXPECT_FALSE(SplitTarget("*", &path, &query));
  EXPECT_FALSE(SplitTarget("healthz", &path, &query));
}

}  // namespace
}  // namespace kanjian::server
