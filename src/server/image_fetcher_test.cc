#include "server/image_fetcher.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <thread>

#include "common/error_codes.h"

namespace kanjian::server {
namespace {

using Steady = std::chrono::steady_clock;

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
    server_.Get("/huge-chunked", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("image/jpeg", [](size_t offset, httplib::DataSink& sink) {
        if (offset > (64u << 20)) return false;
        std::string chunk(64 << 10, 'x');
        return sink.write(chunk.data(), chunk.size());
      });
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      res.set_chunked_content_provider("image/jpeg", [](size_t offset, httplib::DataSink& sink) {
        if (offset > 40) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        return sink.write("x", 1);
      });
    });
    server_.Get("/missing", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
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

TEST_F(FetcherServerTest, LoopbackRefusedWithoutTheTestFlagEvenWhenAllowListed) {
  ImageFetcherOptions o;
  o.allow = {"127.0.0.1", "localhost", "*"};
  ImageFetcher f(o);
  EXPECT_EQ(Code(f.Fetch(Url("/img"), kCap)), errc::kUrlIllegal);
  EXPECT_EQ(Code(f.Fetch("http://localhost:" + std::to_string(port_) + "/img", kCap)), errc::kUrlIllegal);
  EXPECT_EQ(Code(f.Fetch("http://[::1]:" + std::to_string(port_) + "/img", kCap)), errc::kUrlIllegal);
  EXPECT_EQ(Code(f.Fetch("http://[::ffff:127.0.0.1]:" + std::to_string(port_) + "/img", kCap)),
            errc::kUrlIllegal);
  // 127.0.0.1 spelled as one decimal number.
  EXPECT_EQ(Code(f.Fetch("http://2130706433:" + std::to_string(port_) + "/img", kCap)),
            errc::kUrlIllegal);
}

TEST_F(FetcherServerTest, MetadataAndPrivateAddressesRefusedBeforeConnecting) {
  auto f = LoopbackFetcher({"*"});
  const auto start = Steady::now();
  for (const char* u : {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/x.jpg",
                        "http://192.168.1.1/", "http://0.0.0.0/", "http://[fd00:ec2::254]/",
                        "http://[fe80::1]/", "http://100.100.100.200/latest/meta-data"}) {
    EXPECT_EQ(Code(f.Fetch(u, kCap)), errc::kUrlIllegal) << u;
  }
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(1));  // no connection attempted
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
  const auto start = Steady::now();
  EXPECT_EQ(Code(f.Fetch(Url("/huge-chunked"), kCap)), errc::kImageSizeExceed);
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(Code(f.Fetch(Url("/img"), 10)), errc::kImageSizeExceed);
}

TEST_F(FetcherServerTest, SlowBodiesHitTheTimeCap) {
  auto f = LoopbackFetcher();
  const auto start = Steady::now();
  EXPECT_EQ(Code(f.Fetch(Url("/slow"), kCap)), errc::kDownLoadError);
  const auto elapsed = Steady::now() - start;
  EXPECT_GE(elapsed, std::chrono::milliseconds(2900));
  EXPECT_LT(elapsed, std::chrono::milliseconds(3600));
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
