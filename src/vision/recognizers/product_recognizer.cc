#include "vision/recognizers/product_recognizer.h"

#include <algorithm>
#include <map>

namespace kanjian::vision {

Result<ProductBetaResult> RecognizeProductBeta(const cv::Mat& image,
                                               const std::vector<Detection>& detections,
                                               const ProductGallery* gallery,
                                               const ProductBetaOptions& options) {
  std::vector<Product> products = ProductsFromDetections(detections, options.min_score);
  std::stable_sort(products.begin(), products.end(), [&](const Product& a, const Product& b) {
    return ProductSalience(a, image.cols, image.rows) > ProductSalience(b, image.cols, image.rows);
  });
  if (products.size() > options.max_regions) products.resize(options.max_regions);

  ProductBetaResult out;
  for (const Product& p : products) out.regions.push_back({p.name, p.score, p.box});
  if (!gallery) return out;

  // Match each region and the whole picture; keep each product's best match.
  std::vector<Box> crops;
  crops.reserve(products.size());
  for (const Product& p : products) crops.push_back(p.box);
  crops.push_back(Box{0, 0, image.cols, image.rows});
  std::map<const GalleryProduct*, SkuCandidate> best;
  for (const Box& b : crops) {
    if (b.width < 8 || b.height < 8) continue;
    const cv::Mat crop = image(cv::Rect(b.x, b.y, b.width, b.height));
    ASSIGN_OR_RETURN(auto matches, gallery->NearestTo(crop, options.max_skus));
    for (const auto& m : matches) {
      const float score = std::clamp(m.score, 0.f, 1.f);
      if (score < options.sku_min_similarity) continue;
      auto it = best.find(m.product);
      if (it == best.end() || it->second.score < score) best[m.product] = {m.product, score, b};
    }
  }
  for (const auto& [product, candidate] : best) out.skus.push_back(candidate);
  std::stable_sort(out.skus.begin(), out.skus.end(),
                   [](const SkuCandidate& a, const SkuCandidate& b) { return a.score > b.score; });
  if (out.skus.size() > options.max_skus) out.skus.resize(options.max_skus);
  return out;
}

}  // namespace kanjian::vision
