#include "server/api/image_fetcher.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/error_codes.h"

namespace kanjian::server {
namespace {

// A local HTTP server on 127.0.0.1 with good, redirecting, huge and slow answers.
class FetcherServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/img", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(Image(), "image/png");
    });
    server_.Get("/to", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 302;
      res.set_header("Location", req.get_param_value("u"));
    });
    server_.Get(R"(/chain/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
      const int n = std::stoi(req.matches[1]);
      res.status = 301;
      res.set_header("Location", n == 0 ? "/img" : "/chain/" + std::to_string(n - 1));
    });
    server_.Get("/huge", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(8 << 20, 'x'), "image/jpeg");
    });
    // Never ends: only the byte cap can stop the fetch with ImageSizeExceed.
    server_.Get("/huge-chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("image/jpeg", [](size_t, httplib::DataSink& sink) {
        std::string chunk(64 << 10, 'x');
        return sink.write(chunk.data(), chunk.size());
      });
    });
    // One byte, then nothing until the test lets it finish (ReleaseSlow):
    // only the time cap can end the fetch before that.
    server_.Get("/slow", [this](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("image/jpeg",
                                       [this](size_t offset, httplib::DataSink& sink) {
                                         if (offset == 0) return sink.write("x", 1);
                                         std::unique_lock<std::mutex> lock(slow_mu_);
                                         slow_cv_.wait(lock, [&] { return slow_released_; });
                                         sink.done();
                                         return true;
                                       });
    });
    server_.Get("/missing",
                [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    ReleaseSlow();
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  void ReleaseSlow() {
    std::lock_guard<std::mutex> lock(slow_mu_);
    slow_released_ = true;
    slow_cv_.notify_all();
  }
  static std::string Image() { return std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'p'); }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  static ImageFetcher LoopbackFetcher(std::vector<std::string> allow = {"127.0.0.1"}) {
    ImageFetcherOptions o;
    o.allow = std::move(allow);
    o.allow_loopback_for_tests = true;
    return ImageFetcher(o);
  }
  static ErrorCode Code(const Result<std::string>& r) { return r.status().code(); }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex slow_mu_;
  std::condition_variable slow_cv_;
  bool slow_released_ = false;  // guarded by slow_mu_
  static constexpr size_t kCap = 4u << 20;
};

TEST_F(FetcherServerTest, FetchesFromAnAllowedHost) {
  auto r = LoopbackFetcher().Fetch(Url("/img"), kCap);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, Image());
}

TEST_F(FetcherServerTest, EmptyAllowListRefusesEverything) {
  EXPECT_EQ(Code(LoopbackFetcher({}).Fetch(Url("/img"), kCap)), errc::kUrlIllegal);
}

// A listening socket on 127.0.0.1 that is never accepted from: a connection
// attempt would sit in its backlog, which AcceptedNothing() looks into.
class RawListener {
 public:
  RawListener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), len) == 0 && listen(fd_, 16) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      port_ = ntohs(a.sin_port);
    }
  }
  ~RawListener() { close(fd_); }
  int port() const { return port_; }
  // True when no client connected (a TCP handshake to it completes before the
  // fetcher returns, so none can still be on its way).
  bool AcceptedNothing() const {
    const int c = accept(fd_, nullptr, nullptr);
    if (c >= 0) close(c);
    return c < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_F(FetcherServerTest, LoopbackRefusedWithoutTheTestFlagEvenWhenAllowListed) {
  ImageFetcherOptions o;
  o.allow = {"127.0.0.1", "localhost", "*"};
  ImageFetcher f(o);
  EXPECT_EQ(Code(f.Fetch(Url("/img"), kCap)), errc::kUrlIllegal);
  EXPECT_EQ(Code(f.Fetch("http://localhost:" + std::to_string(port_) + "/img", kCap)),
            errc::kUrlIllegal);
  EXPECT_EQ(Code(f.Fetch("http://[::1]:" + std::to_string(port_) + "/img", kCap)),
            errc::kUrlIllegal);
  EXPECT_EQ(Code(f.Fetch("http://[::ffff:127.0.0.1]:" + std::to_string(port_) + "/img", kCap)),
            errc::kUrlIllegal);
  // 127.0.0.1 spelled as one decimal number.
  EXPECT_EQ(Code(f.Fetch("http://2130706433:" + std::to_string(port_) + "/img", kCap)),
            errc::kUrlIllegal);
  // Refused before connecting: nothing reached a listener on that address.
  RawListener listener;
  ASSERT_GT(listener.port(), 0);
  const std::string port = std::to_string(listener.port());
  for (const std::string host : {"127.0.0.1", "localhost", "2130706433", "[::ffff:127.0.0.1]"}) {
    EXPECT_EQ(Code(f.Fetch("http://" + host + ":" + port + "/img", kCap)), errc::kUrlIllegal)
        << host;
  }
  EXPECT_TRUE(listener.AcceptedNothing());
}

TEST_F(FetcherServerTest, MetadataAndPrivateAddressesRefusedBeforeConnecting) {
  // Refused by address before any connection (as the loopback test above
  // shows with a listener); none of these is reachable here anyway.
  auto f = LoopbackFetcher({"*"});
  for (const char* u : {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x.jpg",
                        "http://192.168.1.1/", "http://0.0.0.0/", "http://[fd00:ec2::254]/",
                        "http://[fe80::1]/", "http://100.100.100.200/latest/meta-data"}) {
    EXPECT_EQ(Code(f.Fetch(u, kCap)), errc::kUrlIllegal) << u;
  }
}

TEST_F(FetcherServerTest, OnlyHttpAndHttps) {
  auto f = LoopbackFetcher({"*"});
  for (const char* u : {"file:///etc/passwd", "gopher://127.0.0.1:70/_x", "ftp://127.0.0.1/a.jpg",
                        "dict://127.0.0.1:11211/stat", "ldap://127.0.0.1/", "/relative.jpg",
                        "not a url", "http://"}) {
    EXPECT_EQ(Code(f.Fetch(u, kCap)), errc::kUrlIllegal) << u;
  }
}

TEST_F(FetcherServerTest, EveryRedirectHopIsChecked) {
  auto f = LoopbackFetcher({"127.0.0.1", "169.254.169.254", "10.0.0.1"});
  auto via = [&](const std::string& target) { return f.Fetch(Url("/to?u=" + target), kCap); };
  EXPECT_EQ(Code(via("http://169.254.169.254/latest/meta-data/")), errc::kUrlIllegal);
  EXPECT_EQ(Code(via("http://10.0.0.1/")), errc::kUrlIllegal);
  EXPECT_EQ(Code(via("http://evil.example.org/img")), errc::kUrlIllegal);  // not allow-listed
  EXPECT_EQ(Code(via("file:///etc/passwd")), errc::kUrlIllegal);
  EXPECT_EQ(Code(via("gopher://127.0.0.1:70/_x")), errc::kUrlIllegal);
  // Loopback without the test flag: a redirect from an allowed host cannot reach it.
  ImageFetcherOptions strict;
  strict.allow = {"127.0.0.1"};
  EXPECT_EQ(Code(ImageFetcher(strict).Fetch(Url("/to?u=" + Url("/img")), kCap)), errc::kUrlIllegal);
  // A redirect that passes the checks is followed.
  auto ok = via(Url("/img"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, Image());
}

TEST_F(FetcherServerTest, AtMostThreeRedirects) {
  auto f = LoopbackFetcher();
  auto three = f.Fetch(Url("/chain/2"), kCap);  // chain/2 → chain/1 → chain/0 → img
  ASSERT_TRUE(three.ok()) << three.status().ToString();
  EXPECT_EQ(Code(f.Fetch(Url("/chain/3"), kCap)), errc::kDownLoadError);
}

TEST_F(FetcherServerTest, BodiesOverTheCapAreRefused) {
  auto f = LoopbackFetcher();
  EXPECT_EQ(Code(f.Fetch(Url("/huge"), kCap)), errc::kImageSizeExceed);
  // An endless body: refused as it passes the cap (the time cap would say DownLoadError).
  EXPECT_EQ(Code(f.Fetch(Url("/huge-chunked"), kCap)), errc::kImageSizeExceed);
  EXPECT_EQ(Code(f.Fetch(Url("/img"), 10)), errc::kImageSizeExceed);
}

// The body stalls until the test releases it, so only the time cap can end
// the fetch, and its message says so. (No bound on the elapsed time: curl's
// timer may fire a fraction of a millisecond early, and a busy machine late.)
TEST_F(FetcherServerTest, SlowBodiesHitTheTimeCap) {
  ImageFetcherOptions o;
  o.allow = {"127.0.0.1"};
  o.allow_loopback_for_tests = true;
  o.total_timeout_ms = 300;
  auto r = ImageFetcher(o).Fetch(Url("/slow"), kCap);
  ReleaseSlow();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), errc::kDownLoadError);
  EXPECT_NE(r.status().message().find("took over 300 ms"), std::string::npos)
      << r.status().ToString();
}

TEST_F(FetcherServerTest, TheDefaultTimeCapIsThreeSeconds) {
  EXPECT_EQ(ImageFetcherOptions{}.total_timeout_ms, 3000);
}

TEST_F(FetcherServerTest, HttpErrorsAndUnknownHostsAreDownloadErrors) {
  auto f = LoopbackFetcher({"127.0.0.1", "no-such-host.invalid"});
  EXPECT_EQ(Code(f.Fetch(Url("/missing"), kCap)), errc::kDownLoadError);
  EXPECT_EQ(Code(f.Fetch("http://no-such-host.invalid/a.jpg", kCap)), errc::kDownLoadError);
  // Nothing listens on port 1.
  EXPECT_EQ(Code(f.Fetch("http://127.0.0.1:1/a.jpg", kCap)), errc::kDownLoadError);
}

}  // namespace
}  // namespace kanjian::server
