#include "vision/models/product_gallery.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "vision/recognizers/product_recognizer.h"
#include "vision/vision_test_util.h"

namespace kanjian::vision {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Result<std::vector<float>> Classical(const cv::Mat& bgr) {
  return ClassicalProductEmbedding(bgr);
}

std::string ResolveImage(const std::string& ref) {
  if (ref.rfind("darknet:", 0) == 0) return testing::DarknetImage(ref.substr(8));
  if (ref.rfind("testdata:", 0) == 0)
    return fs::path(testing::CatImage()).parent_path().string() + "/" + ref.substr(9);
  return ref;
}

cv::Mat Crop(const json& item) {
  cv::Mat image = cv::imread(ResolveImage(item["image"]), cv::IMREAD_COLOR);
  if (image.empty()) return image;
  const auto c = item["crop"];
  const int x0 = int(c[0].get<double>() * image.cols), y0 = int(c[1].get<double>() * image.rows);
  const int x1 = int(c[2].get<double>() * image.cols), y1 = int(c[3].get<double>() * image.rows);
  return image(cv::Rect(x0, y0, x1 - x0, y1 - y0)).clone();
}

cv::Mat Augment(const cv::Mat& in, const std::string& how) {
  cv::Mat out;
  if (how == "scale_0.5")
    cv::resize(in, out, {}, 0.5, 0.5, cv::INTER_AREA);
  else if (how == "scale_1.5")
    cv::resize(in, out, {}, 1.5, 1.5, cv::INTER_LINEAR);
  else if (how == "brighter_30")
    in.convertTo(out, -1, 1.0, 30);
  else if (how == "darker_30")
    in.convertTo(out, -1, 1.0, -30);
  else if (how == "contrast_0.7")
    in.convertTo(out, -1, 0.7, 38);
  else if (how == "blur_5")
    cv::GaussianBlur(in, out, {5, 5}, 0);
  else if (how == "rotate_7") {
    cv::Mat m = cv::getRotationMatrix2D(cv::Point2f(in.cols / 2.f, in.rows / 2.f), 7, 1.0);
    cv::warpAffine(in, out, m, in.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
  } else if (how == "shift_8pct") {
    const int dx = in.cols * 8 / 100, dy = in.rows * 8 / 100;
    out = in(cv::Rect(dx, dy, in.cols - dx, in.rows - dy)).clone();
  } else if (how == "jpeg_30") {
    std::vector<uchar> buf;
    cv::imencode(".jpg", in, buf, {cv::IMWRITE_JPEG_QUALITY, 30});
    out = cv::imdecode(buf, cv::IMREAD_COLOR);
  } else {
    out = in.clone();
  }
  return out;
}

json Manifest() {
  std::ifstream in(std::string(KANJIAN_SOURCE_DIR) + "/tests/eval/product_sku.json");
  return json::parse(in);
}

// The evaluation's minimums (tests/eval/README.md, "Thresholds").
json Threshold(const std::string& key) {
  std::ifstream in(std::string(KANJIAN_SOURCE_DIR) + "/tests/eval/thresholds.json");
  return json::parse(in).at("metrics").at(key);
}

TEST(ProductGalleryTest, EmbeddingIsUnitLengthAndDeterministic) {
  cv::Mat a(50, 80, CV_8UC3, cv::Scalar(10, 200, 30));
  cv::rectangle(a, {10, 10, 30, 20}, cv::Scalar(255, 255, 255), -1);
  auto v = ClassicalProductEmbedding(a);
  double sum = 0;
  for (float x : v) sum += double(x) * x;
  EXPECT_NEAR(sum, 1.0, 1e-4);
  EXPECT_EQ(v, ClassicalProductEmbedding(a));
}

TEST(ProductGalleryTest, LoadErrorsNameTheFile) {
  const fs::path dir = fs::temp_directory_path() / "kanjian_gallery_bad";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto missing = ProductGallery::Load(dir.string(), Classical);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("gallery.json"), std::string::npos);
  std::ofstream(dir / "gallery.json") << R"({"Products":[{"Name":"x","Files":["nope.jpg"]}]})";
  auto no_image = ProductGallery::Load(dir.string(), Classical);
  ASSERT_FALSE(no_image.ok());
  EXPECT_NE(no_image.status().message().find("nope.jpg"), std::string::npos);
  fs::remove_all(dir);
}

// The SKU evaluation of tests/eval/product_sku.json: builds a gallery
// directory from the manifest, loads it like `serve --product-gallery`, and
// matches augmented queries and distractors.
TEST(ProductGalleryTest, SkuTop1AccuracyOnRealPhotos) {
  const json m = Manifest();
  for (const auto& g : m["gallery"]) KANJIAN_REQUIRE_FILE(ResolveImage(g["image"]));
  const fs::path dir = fs::temp_directory_path() / "kanjian_gallery_eval";
  fs::remove_all(dir);
  fs::create_directories(dir);
  json products = json::array();
  std::vector<cv::Mat> crops;
  for (const auto& g : m["gallery"]) {
    crops.push_back(Crop(g));
    ASSERT_FALSE(crops.back().empty()) << g.dump();
    const std::string file = g["id"].get<std::string>() + ".jpg";
    cv::imwrite((dir / file).string(), crops.back());
    products.push_back(
        {{"Name", g["id"]},
         {"Brand", "eval"},
         {"Price", "1.00"},
         {"ProductCategory", "eval"},
         {"Image", file},
         {"LemmaInfoList", {{{"LemmaTitle", g["id"]}, {"LemmaAbstract", "a"}, {"Tag", "t"}}}},
         {"Files", {file}}});
  }
  std::ofstream(dir / "gallery.json") << json{{"Products", products}}.dump();
  auto gallery = ProductGallery::Load(dir.string(), Classical);
  ASSERT_TRUE(gallery.ok()) << gallery.status().ToString();
  ASSERT_EQ((*gallery)->products(), m["gallery"].size());

  const float threshold = ProductBetaOptions{}.sku_min_similarity;
  int queries = 0, top1 = 0, accepted_right = 0, accepted_wrong = 0;
  for (size_t i = 0; i < crops.size(); ++i) {
    for (const auto& how : m["augmentations"]) {
      auto best = (*gallery)->NearestTo(Augment(crops[i], how), 1);
      ASSERT_TRUE(best.ok());
      ++queries;
      const bool right = !best->empty() && (*best)[0].product->name == m["gallery"][i]["id"];
      top1 += right;
      if (!best->empty() && (*best)[0].score >= threshold)
        (right ? accepted_right : accepted_wrong)++;
    }
  }
  int distractors = 0, false_accepts = 0;
  for (const auto& d : m["distractors"]) {
    auto best = (*gallery)->NearestTo(Crop(d), 1);
    ASSERT_TRUE(best.ok());
    ++distractors;
    if (!best->empty() && (*best)[0].score >= threshold) ++false_accepts;
  }
  std::printf(
      "{\"eval\":\"product_sku\",\"embedding\":\"classical_hsv_hog\",\"gallery\":%zu,"
      "\"queries\":%d,\"top1\":%.3f,\"threshold\":%.2f,\"accepted_correct\":%.3f,"
      "\"accepted_wrong\":%.3f,\"distractors\":%d,\"distractor_false_accept\":%.3f}\n",
      crops.size(), queries, double(top1) / queries, threshold, double(accepted_right) / queries,
      double(accepted_wrong) / queries, distractors, double(false_accepts) / distractors);
  const json top1_min = Threshold("DetectProductBeta sku_top1");
  const json false_accept_max = Threshold("DetectProductBeta sku_distractor_false_accept");
  EXPECT_EQ(queries, top1_min.at("n").get<int>())
      << "the SKU set changed: re-measure and update tests/eval/thresholds.json";
  EXPECT_GE(top1, top1_min.at("min").get<int>())
      << "DetectProductBeta sku_top1 fell below its minimum in tests/eval/thresholds.json";
  EXPECT_EQ(distractors, false_accept_max.at("n").get<int>())
      << "the distractor set changed: re-measure and update tests/eval/thresholds.json";
  EXPECT_LE(false_accepts, false_accept_max.at("max").get<int>())
      << "DetectProductBeta sku_distractor_false_accept rose above its maximum in "
         "tests/eval/thresholds.json";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kanjian::vision
