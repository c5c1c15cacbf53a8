// The transport against real loopback sockets: framing, limits, pipelining,
// deadlines, exceptions and the client-gone probe (docs/operators/http.md).
#include "server/http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

namespace kanjian::server {
namespace {

using namespace std::chrono_literals;

// A raw client socket: what it sends is exactly what the test wrote.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { Close(); }
  bool connected() const { return connected_; }
  void Send(std::string_view data) { (void)::send(fd_, data.data(), data.size(), MSG_NOSIGNAL); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Reads until `want` appears, the peer closes, or `wait` passes.
  std::string ReadUntil(std::string_view want, std::chrono::milliseconds wait = 5s) {
    const auto end = std::chrono::steady_clock::now() + wait;
    while (received_.find(want) == std::string::npos && !peer_closed_) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[65536];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        peer_closed_ = true;
        break;
      }
      received_.append(buf, static_cast<size_t>(n));
    }
    return received_;
  }
  bool PeerClosed(std::chrono::milliseconds wait = 5s) {
    ReadUntil("\x01never\x01", wait);
    return peer_closed_;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool peer_closed_ = false;
  std::string received_;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpOptions options = {}) {
    options.port = 0;
    HttpRouter router;
    router.Add({"POST", "/echo", false, RunOn::kHandlerPool, [](const HttpRequest& r) {
                  HttpResponse res;
                  res.body = "echo:" + r.body;
                  return res;
                }});
    router.Add({"GET", "/healthz", false, RunOn::kIoThread, [](const HttpRequest&) {
                  HttpResponse res;
                  res.body = "ok";
                  return res;
                }});
    router.Add(
        {"POST", "/throw", false, RunOn::kHandlerPool,
         [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("secret detail"); }});
    router.Add(
        {"POST", "/wait-for-hangup", false, RunOn::kHandlerPool, [this](const HttpRequest& r) {
           handler_started_ = true;
           for (int i = 0; i < 500 && !r.client_gone(); ++i) std::this_thread::sleep_for(10ms);
           saw_client_gone_ = r.client_gone();
           return HttpResponse{};
         }});
    server_ = std::make_unique<HttpServer>(options, std::move(router), &rejected_);
    ASSERT_TRUE(server_->Bind().ok());
    serving_ = std::thread([this] { (void)server_->Serve(); });
  }
  void TearDown() override {
    if (!server_) return;
    server_->Stop();
    serving_.join();
  }
  int port() const { return server_->port(); }

  metrics::CounterFamily rejected_;
  std::unique_ptr<HttpServer> server_;
  std::thread serving_;
  std::atomic<bool> handler_started_{false};
  std::atomic<bool> saw_client_gone_{false};
};

std::string Post(const std::string& path, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

TEST_F(HttpServerTest, AnswersPipelinedRequestsInOrderOnOneConnection) {
  Start();
  RawClient c(port());
  c.Send(Post("/echo", "one") + Post("/echo", "two") + "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  const std::string got = c.ReadUntil("\r\n\r\nok");
  const size_t one = got.find("echo:one"), two = got.find("echo:two"), ok = got.find("\r\n\r\nok");
  ASSERT_NE(one, std::string::npos) << got;
  ASSERT_NE(two, std::string::npos) << got;
  ASSERT_NE(ok, std::string::npos) << got;
  EXPECT_LT(one, two);
  EXPECT_LT(two, ok);
}

TEST_F(HttpServerTest, SlowHeadsDoNotDelayOthersAndAreCutAtTheHeadDeadline) {
  HttpOptions o;
  o.header_timeout_ms = 600;
  o.handler_threads = 1;
  Start(o);
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 50; ++i) {
    slow.push_back(std::make_unique<RawClient>(port()));
    slow.back()->Send("POST / HTTP/1.1\r\nHost: t\r\n");
  }
  RawClient other(port());
  other.Send(Post("/echo", "prompt"));
  EXPECT_NE(other.ReadUntil("echo:prompt", 2s).find("echo:prompt"), std::string::npos);
  // Trickling one more line keeps nothing alive past the head deadline.
  for (auto& s : slow) s->Send("X-Trickle: 1\r\n");
  for (auto& s : slow) EXPECT_TRUE(s->PeerClosed(3s));
  // The refusal may be counted just after the socket closes: wait for the count.
  for (int i = 0; i < 1000 && rejected_.Get("reason=\"head_timeout\"") < 1; ++i)
    std::this_thread::sleep_for(5ms);
  EXPECT_GE(rejected_.Get("reason=\"head_timeout\""), 1u);
}

TEST_F(HttpServerTest, RefusesAnOversizeContentLengthUnreadWithAnEnvelope) {
  HttpOptions o;
  o.max_body_bytes = 1000;
  Start(o);
  RawClient c(port());
  c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n");
  const std::string got = c.ReadUntil("}}");
  EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
  EXPECT_NE(got.find("RequestSizeLimitExceeded"), std::string::npos) << got;
  EXPECT_NE(got.find("RequestId"), std::string::npos) << got;
  EXPECT_TRUE(c.PeerClosed());
}

TEST_F(HttpServerTest, StopsReadingAChunkedBodyOnceItPassesTheLimit) {
  HttpOptions o;
  o.max_body_bytes = 4096;
  Start(o);
  RawClient c(port());
  c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
  const std::string chunk = "400\r\n" + std::string(1024, 'a') + "\r\n";
  for (int i = 0; i < 5; ++i) c.Send(chunk);
  const std::string got = c.ReadUntil("}}");
  EXPECT_NE(got.find("RequestSizeLimitExceeded"), std::string::npos) << got;
  EXPECT_TRUE(c.PeerClosed());
}

TEST_F(HttpServerTest, ChunkedBodiesWithinTheLimitArrive) {
  Start();
  RawClient c(port());
  c.Send(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n");
  EXPECT_NE(c.ReadUntil("echo:abcde").find("echo:abcde"), std::string::npos);
}

TEST_F(HttpServerTest, SmugglingFramingsGetABare400AndClose) {
  Start();
  const char* framings[] = {
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n folded\r\n\r\n",
      "GET /healthz HTTP/2.0\r\nHost: t\r\n\r\n",
      "GET /healthz HTTP/1.1\nHost: t\n\n",  // bare LF only: refused at once, not at the deadline
  };
  for (const char* framing : framings) {
    RawClient c(port());
    c.Send(framing);
    const std::string got = c.ReadUntil("\r\n\r\n");
    EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << framing << " → " << got;
    EXPECT_TRUE(c.PeerClosed()) << framing;
  }
}

TEST_F(HttpServerTest, RefusesContentEncodingWithoutInflating) {
  Start();
  RawClient c(port());
  c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Encoding: br\r\nContent-Length: 4\r\n\r\nabcd");
  const std::string got = c.ReadUntil("}}");
  EXPECT_NE(got.find("InvalidParameter"), std::string::npos) << got;
  EXPECT_NE(got.find("Content-Encoding 'br'"), std::string::npos) << got;
}

TEST_F(HttpServerTest, HandlerExceptionsBecomeAnInternalErrorWithoutTheirText) {
  Start();
  RawClient c(port());
  c.Send(Post("/throw", "x"));
  const std::string got = c.ReadUntil("}}");
  EXPECT_NE(got.find("InternalError"), std::string::npos) << got;
  EXPECT_EQ(got.find("secret detail"), std::string::npos) << got;
  EXPECT_EQ(got.find("EXCEPTION"), std::string::npos) << got;
}

TEST_F(HttpServerTest, TooManyHeaderFieldsGet431) {
  HttpOptions o;
  o.max_header_fields = 10;
  Start(o);
  std::string head = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
  for (int i = 0; i < 11; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
  RawClient c(port());
  c.Send(head + "\r\n");
  EXPECT_EQ(c.ReadUntil("\r\n\r\n").rfind("HTTP/1.1 431", 0), 0u);
  RawClient big(port());
  big.Send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(48000, 'a') + "\r\n\r\n");
  EXPECT_EQ(big.ReadUntil("\r\n\r\n").rfind("HTTP/1.1 431", 0), 0u);
}

TEST_F(HttpServerTest, ExpectContinueIsHonoured) {
  Start();
  RawClient c(port());
  c.Send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
  EXPECT_NE(c.ReadUntil("100 Continue").find("HTTP/1.1 100 Continue"), std::string::npos);
  c.Send("hi");
  EXPECT_NE(c.ReadUntil("echo:hi").find("echo:hi"), std::string::npos);
}

TEST_F(HttpServerTest, UnknownPathsAndMethodsAreBare4xxAndKeepTheConnection) {
  Start();
  RawClient c(port());
  c.Send("GET /nope HTTP/1.1\r\nHost: t\r\n\r\nPUT /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
  const std::string got = c.ReadUntil("method not allowed");
  EXPECT_EQ(got.rfind("HTTP/1.1 404", 0), 0u) << got;
  EXPECT_NE(got.find("HTTP/1.1 405"), std::string::npos) << got;
}

TEST_F(HttpServerTest, TheClientGoneProbeSeesAHangUp) {
  Start();
  {
    RawClient c(port());
    c.Send(Post("/wait-for-hangup", ""));
    for (int i = 0; i < 1000 && !handler_started_; ++i) std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(handler_started_);
  }  // closed while the handler runs
  for (int i = 0; i < 100 && !saw_client_gone_; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(saw_client_gone_);
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  HttpOptions o;
  o.max_connections = 3;
  Start(o);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<RawClient>(port()));
    held.back()->Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    held.back()->ReadUntil("\r\n\r\nok");
  }
  RawClient extra(port());
  EXPECT_TRUE(extra.PeerClosed(3s));
  held.clear();
  // Once the server has seen the closes, a new connection is answered again.
  bool answered = false;
  for (int i = 0; i < 50 && !answered; ++i) {
    RawClient later(port());
    later.Send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
    answered = later.ReadUntil("\r\n\r\nok", 1s).find("\r\n\r\nok") != std::string::npos;
  }
  EXPECT_TRUE(answered);
}

}  // namespace
}  // namespace kanjian::server
