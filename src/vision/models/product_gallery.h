// SKU matching for DetectProductBeta: an operator-supplied gallery of
// product photos, each product described by a metadata record; a query crop
// is embedded and matched to its nearest gallery photo (cosine similarity).
//
// Gallery directory (serve --product-gallery DIR):
//   DIR/gallery.json  {"Products":[{"Name","Brand","Price","ProductCategory",
//                       "Image" (URL or text returned as is),
//                       "LemmaInfoList":[{"LemmaTitle","LemmaAbstract","Tag"}],
//                       "Files":["a.jpg", …]  (photos of this product, relative to DIR)}]}
//   Errors at load name the file (missing, unreadable, not an image, bad JSON).
//
// The embedding is pluggable (ProductEmbedFn). The built-in one is
// ClassicalProductEmbedding: no model needed, documented in
// docs/developers/vision/products_url_batching.md with its measured accuracy.
#pragma once

#include <functional>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace kanjian::vision {

struct LemmaInfo {
  std::string title, abstract, tag;
};

struct GalleryProduct {
  std::string name, brand, price, category, image;
  std::vector<LemmaInfo> lemmas;
};

// A crop → an L2-normalised vector; similarity is the dot product.
using ProductEmbedFn = std::function<Result<std::vector<float>>(const cv::Mat& bgr)>;

// HSV colour histogram (Hellinger, 16x4x4 bins) + a HOG of the 64x64 grey
// crop (8x8 cells, 9 unsigned orientations), each L2-normalised, weighted
// 0.5/0.5, concatenated and L2-normalised. REQUIRES: non-empty CV_8UC3.
std::vector<float> ClassicalProductEmbedding(const cv::Mat& bgr);

class ProductGallery {
 public:
  static Result<std::unique_ptr<ProductGallery>> Load(const std::string& dir, ProductEmbedFn embed);

  struct Match {
    const GalleryProduct* product = nullptr;
    float score = 0;  // cosine similarity of the best photo of this product
  };
  // The best `k` products for `query`, best first (one entry per product).
  std::vector<Match> Nearest(const std::vector<float>& query, size_t k) const;
  Result<std::vector<Match>> NearestTo(const cv::Mat& bgr_crop, size_t k) const;

  size_t products() const { return products_.size(); }
  size_t photos() const { return vectors_.size(); }

 private:
  ProductGallery() = default;
  // Constant after Load.
  ProductEmbedFn embed_;
  std::vector<GalleryProduct> products_;
  std::vector<std::vector<float>> vectors_;  // one per photo
  std::vector<size_t> owner_;                // photo → index in products_
};

}  // namespace kanjian::vision
