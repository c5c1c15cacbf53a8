// DetectProductBeta (商品识别-微信识物版) from COCO detections: up to three
// product regions, most salient first, and SKU matching of those regions
// (and of the whole picture) against the operator's gallery, if any.
#pragma once

#include <vector>

#include "vision/models/product_gallery.h"
#include "vision/recognizers/product_taxonomy.h"

namespace kanjian::vision {

struct ProductBetaOptions {
  float min_score = 0.30f;  // detector score for a region
  size_t max_regions = 3;
  float sku_min_similarity = 0.75f;  // cosine; below → FindSKU 0 (see the docs for the measurement)
  size_t max_skus = 3;
};

struct ProductRegion {
  std::string category;  // the fine category (taxonomy Name)
  float score = 0;       // 0..1
  Box box;
};

struct SkuCandidate {
  const GalleryProduct* product = nullptr;
  float score = 0;  // cosine similarity clipped to 0..1
  Box box;          // the region (or whole image) it was matched on
};

struct ProductBetaResult {
  std::vector<ProductRegion> regions;  // ≤ max_regions, most salient first
  std::vector<SkuCandidate> skus;      // ≥ sku_min_similarity, best first; empty = FindSKU 0
};

// `gallery` may be null (no SKU matching). An empty result (no region, no
// SKU) is the caller's errc::kNoObjectDetected.
Result<ProductBetaResult> RecognizeProductBeta(const cv::Mat& image,
                                               const std::vector<Detection>& detections,
                                               const ProductGallery* gallery,
                                               const ProductBetaOptions& options);

}  // namespace kanjian::vision
