#include "vision/recognizers/product_taxonomy.h"

#include <gtest/gtest.h>

#include <set>

#include "vision/recognizers/product_recognizer.h"

namespace kanjian::vision {
namespace {

Detection Det(const std::string& label, float score, Box box) {
  Detection d;
  d.label = label;
  d.score = score;
  d.box = box;
  return d;
}

TEST(ProductTaxonomyTest, EveryEntryIsACocoClassWithTwoLevelParents) {
  std::set<std::string_view> coco(CocoLabels().begin(), CocoLabels().end());
  std::set<std::string_view> seen;
  for (const auto& c : ProductTaxonomy()) {
    EXPECT_TRUE(coco.count(c.coco)) << c.coco;
    EXPECT_TRUE(seen.insert(c.coco).second) << "duplicate " << c.coco;
    EXPECT_FALSE(c.name.empty());
    const size_t dash = c.parents.find('-');
    ASSERT_NE(dash, std::string_view::npos) << c.parents;
    EXPECT_GT(dash, 0u);
    EXPECT_LT(dash + 1, c.parents.size());
    EXPECT_EQ(c.parents.find('-', dash + 1), std::string_view::npos) << c.parents;
  }
}

TEST(ProductTaxonomyTest, ProductsAndNonProducts) {
  EXPECT_EQ(ProductClassFor("cell phone")->name, "手机");
  EXPECT_EQ(ProductClassFor("cup")->parents, "厨具-杯壶瓶罐");
  EXPECT_EQ(ProductClassFor("banana")->name, "香蕉");
  EXPECT_EQ(ProductClassFor("laptop")->name, "笔记本电脑");
  for (const char* not_product : {"person", "dog", "cat", "car", "truck", "bus", "traffic light",
                                  "stop sign", "bench", "bird", "giraffe", "airplane", "train"})
    EXPECT_EQ(ProductClassFor(not_product), nullptr) << not_product;
}

TEST(ProductTaxonomyTest, FiltersSortsAndScales) {
  auto products = ProductsFromDetections(
      {Det("dog", 0.9f, {0, 0, 10, 10}), Det("cup", 0.55f, {1, 2, 30, 40}),
       Det("bottle", 0.29f, {0, 0, 5, 5}), Det("laptop", 0.81f, {5, 5, 50, 20})},
      0.30f);
  ASSERT_EQ(products.size(), 2u);
  EXPECT_EQ(products[0].name, "笔记本电脑");
  EXPECT_EQ(products[0].confidence, 81);
  EXPECT_EQ(products[1].name, "杯子");
  EXPECT_EQ(products[1].box.width, 30);
}

TEST(ProductTaxonomyTest, BetaRegionsAreTheThreeMostSalient) {
  cv::Mat image(100, 100, CV_8UC3, cv::Scalar(0, 0, 0));
  std::vector<Detection> dets = {Det("cup", 0.95f, {0, 0, 5, 5}),       // confident but tiny
                                 Det("laptop", 0.6f, {0, 0, 100, 80}),  // big
                                 Det("book", 0.5f, {10, 10, 40, 40}),
                                 Det("bottle", 0.5f, {50, 50, 30, 30}),
                                 Det("person", 0.99f, {0, 0, 100, 100})};  // not a product
  auto r = RecognizeProductBeta(image, dets, nullptr, ProductBetaOptions{});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->regions.size(), 3u);
  EXPECT_EQ(r->regions[0].category, "笔记本电脑");
  EXPECT_EQ(r->regions[1].category, "图书");
  EXPECT_EQ(r->regions[2].category, "瓶子");
  EXPECT_TRUE(r->skus.empty());
}

}  // namespace
}  // namespace kanjian::vision
