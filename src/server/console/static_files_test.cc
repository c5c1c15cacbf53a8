// Static files: one shared buffer per file, strong ETags per coding,
// revalidation (304), content negotiation and reloading a changed file.
#include "server/console/static_files.h"

#include <brotli/decode.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace kanjian::server::console {
namespace {

std::string Gunzip(const std::string& packed) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
  z.avail_in = static_cast<uInt>(packed.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  inflateEnd(&z);
  return out;
}

std::string Unbrotli(const std::string& packed) {
  std::string out(1 << 20, '\0');
  size_t size = out.size();
  EXPECT_EQ(BrotliDecoderDecompress(packed.size(), reinterpret_cast<const uint8_t*>(packed.data()),
                                    &size, reinterpret_cast<uint8_t*>(out.data())),
            BROTLI_DECODER_RESULT_SUCCESS);
  out.resize(size);
  return out;
}

std::string Header(const HttpResponse& res, const std::string& name) {
  for (const auto& [n, v] : res.headers)
    if (n == name) return v;
  return "";
}

std::string Text(int lines) {
  std::string s;
  for (int i = 0; i < lines; ++i) s += "export const line" + std::to_string(i) + " = 'console';\n";
  return s;
}

TEST(ChooseCoding, PrefersBrotliThenGzipAndHonoursQZero) {
  EXPECT_EQ(ChooseCoding("gzip, deflate, br", true, true), Coding::kBrotli);
  EXPECT_EQ(ChooseCoding("gzip, deflate, br", true, false), Coding::kGzip);
  EXPECT_EQ(ChooseCoding("gzip", true, true), Coding::kGzip);
  EXPECT_EQ(ChooseCoding("br;q=0, gzip;q=0.5", true, true), Coding::kGzip);
  EXPECT_EQ(ChooseCoding("GZIP ; q=1", true, true), Coding::kGzip);
  EXPECT_EQ(ChooseCoding("gzip;q=0", true, false), Coding::kIdentity);
  EXPECT_EQ(ChooseCoding("", true, true), Coding::kIdentity);
  EXPECT_EQ(ChooseCoding("identity", true, true), Coding::kIdentity);
  EXPECT_EQ(ChooseCoding("*", true, true), Coding::kBrotli);
  EXPECT_EQ(ChooseCoding("*;q=0", true, true), Coding::kIdentity);
  EXPECT_EQ(ChooseCoding("gzip;q=zero", true, false), Coding::kIdentity);
  EXPECT_EQ(ChooseCoding("br", false, false), Coding::kIdentity);
}

TEST(IfNoneMatch, MatchesAnyListedTagWeaklyOrStar) {
  EXPECT_TRUE(IfNoneMatchHits("\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchHits("\"x\", W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(IfNoneMatchHits("*", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchHits("\"abc-gz\"", "\"abc\""));
  EXPECT_FALSE(IfNoneMatchHits("", "\"abc\""));
}

TEST(StaticAsset, CompressedFormsDecodeToTheBytesAndTagsDiffer) {
  const std::string text = Text(2000);
  const StaticAsset a = MakeStaticAsset(text, "text/javascript; charset=utf-8");
  ASSERT_TRUE(a.gzip && a.brotli);
  EXPECT_LT(a.gzip->size(), text.size() / 5);
  EXPECT_EQ(Gunzip(*a.gzip), text);
  EXPECT_EQ(Unbrotli(*a.brotli), text);
  EXPECT_EQ(a.etag.size(), 34u);
  EXPECT_EQ(EtagOf(a, Coding::kIdentity), a.etag);
  EXPECT_NE(EtagOf(a, Coding::kGzip), a.etag);
  EXPECT_NE(EtagOf(a, Coding::kBrotli), EtagOf(a, Coding::kGzip));
  EXPECT_NE(MakeStaticAsset(text + " ", "text/css").etag, a.etag);
  // Already compressed, or too small to gain: served as is.
  EXPECT_FALSE(MakeStaticAsset(text, "image/png").gzip);
  EXPECT_FALSE(MakeStaticAsset("x", "text/css").gzip);
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(root_ / "vendor");
    Write("index.html", "<!doctype html><title>console</title>\n" + Text(200));
    Write("app.js", Text(3000));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void Write(const std::string& rel, const std::string& bytes) {
    std::ofstream(root_ / rel, std::ios::binary | std::ios::trunc) << bytes;
  }
  HttpResponse Get(const std::string& path, const std::string& accept = "",
                   const std::string& if_none_match = "", const std::string& method = "GET") {
    HttpRequest req;
    req.method = method;
    req.path = path;
    if (!accept.empty()) req.headers["accept-encoding"] = accept;
    if (!if_none_match.empty()) req.headers["if-none-match"] = if_none_match;
    return files_.Handle(req);
  }

  const std::filesystem::path root_ =
      std::filesystem::temp_directory_path() / ("kanjian-static-" + std::to_string(::getpid()));
  StaticFiles files_{{root_.string(), (root_ / "echarts.min.js").string()}};
};

TEST_F(StaticFilesTest, AnswersShareOneBufferPerFileAndCoding) {
  HttpResponse a = Get("/console/app.js");
  HttpResponse b = Get("/console/app.js");
  ASSERT_EQ(a.status, 200);
  ASSERT_TRUE(a.shared_body);
  EXPECT_EQ(a.shared_body.get(), b.shared_body.get());
  EXPECT_EQ(*a.shared_body, Text(3000));
  EXPECT_TRUE(a.body.empty());
  EXPECT_EQ(a.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(a, "Cache-Control"), "no-cache");
  EXPECT_EQ(Header(a, "Vary"), "Accept-Encoding");
  EXPECT_EQ(Header(a, "Content-Encoding"), "");
  EXPECT_FALSE(Header(a, "Content-Security-Policy").empty());
  HttpResponse gz = Get("/console/app.js", "gzip, deflate");
  EXPECT_EQ(Header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(Gunzip(*gz.shared_body), Text(3000));
  EXPECT_EQ(gz.shared_body.get(), Get("/console/app.js", "gzip").shared_body.get());
  HttpResponse br = Get("/console/app.js", "gzip, deflate, br");
  EXPECT_EQ(Header(br, "Content-Encoding"), "br");
  EXPECT_NE(Header(br, "ETag"), Header(gz, "ETag"));
}

TEST_F(StaticFilesTest, AMatchingIfNoneMatchGets304WithoutABody) {
  HttpResponse first = Get("/console/", "gzip");
  ASSERT_EQ(first.status, 200);
  const std::string etag = Header(first, "ETag");
  HttpResponse again = Get("/console/", "gzip", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_FALSE(again.shared_body);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Header(again, "ETag"), etag);
  EXPECT_EQ(Header(again, "Vary"), "Accept-Encoding");
  // The gzip coding's tag does not validate the identity coding.
  EXPECT_EQ(Get("/console/", "", etag).status, 200);
  EXPECT_EQ(Get("/console/", "gzip", "\"other\"").status, 200);
}

TEST_F(StaticFilesTest, AChangedFileIsLoadedAgain) {
  HttpResponse before = Get("/console/app.js");
  Write("app.js", Text(3001));
  HttpResponse after = Get("/console/app.js", "", Header(before, "ETag"));
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(*after.shared_body, Text(3001));
  EXPECT_NE(Header(after, "ETag"), Header(before, "ETag"));
}

TEST_F(StaticFilesTest, UnknownOrUnsafeNamesAre404) {
  EXPECT_EQ(Get("/console/missing.js").status, 404);
  EXPECT_EQ(Get("/console/../app.js").status, 404);
  EXPECT_EQ(Get("/console/app.exe").status, 404);
  EXPECT_EQ(Get("/console/vendor/echarts.min.js").status, 404);  // not in this root
  EXPECT_EQ(Get("/console/app.js", "", "", "POST").status, 404);
}

}  // namespace
}  // namespace kanjian::server::console
