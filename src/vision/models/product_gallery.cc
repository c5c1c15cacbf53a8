#include "vision/models/product_gallery.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "common/error_codes.h"

namespace kanjian::vision {
namespace {

void Normalize(std::vector<float>* v, size_t from, size_t to, float weight) {
  double sum = 0;
  for (size_t i = from; i < to; ++i) sum += double((*v)[i]) * (*v)[i];
  const float scale = sum > 0 ? float(std::sqrt(weight / sum)) : 0.f;
  for (size_t i = from; i < to; ++i) (*v)[i] *= scale;
}

constexpr int kSide = 64, kCell = 8, kBins = 9;
constexpr int kH = 16, kS = 4, kV = 4;

}  // namespace

std::vector<float> ClassicalProductEmbedding(const cv::Mat& bgr) {
  cv::Mat small;
  cv::resize(bgr, small, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);
  std::vector<float> v(kH * kS * kV + (kSide / kCell) * (kSide / kCell) * kBins, 0.f);

  // Colour: HSV histogram, square-rooted (Hellinger) so big flat areas do not dominate.
  cv::Mat hsv;
  cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
  for (int y = 0; y < kSide; ++y) {
    const cv::Vec3b* row = hsv.ptr<cv::Vec3b>(y);
    for (int x = 0; x < kSide; ++x) {
      const int h = std::min(kH - 1, row[x][0] * kH / 180);
      const int s = std::min(kS - 1, row[x][1] * kS / 256);
      const int val = std::min(kV - 1, row[x][2] * kV / 256);
      v[(h * kS + s) * kV + val] += 1.f;
    }
  }
  for (int i = 0; i < kH * kS * kV; ++i) v[i] = std::sqrt(v[i]);

  // Shape: HOG on the grey crop.
  cv::Mat grey, gx, gy;
  cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
  grey.convertTo(grey, CV_32F);
  cv::Sobel(grey, gx, CV_32F, 1, 0, 1);
  cv::Sobel(grey, gy, CV_32F, 0, 1, 1);
  const size_t base = size_t{kH} * kS * kV;
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      const float dx = gx.at<float>(y, x), dy = gy.at<float>(y, x);
      const float mag = std::sqrt(dx * dx + dy * dy);
      float angle = std::atan2(dy, dx) * 180.f / float(M_PI);
      if (angle < 0) angle += 180.f;
      const int bin = std::min(kBins - 1, int(angle / (180.f / kBins)));
      const int cell = (y / kCell) * (kSide / kCell) + x / kCell;
      v[base + size_t(cell) * kBins + bin] += mag;
    }
  }
  // Clip large HOG entries (Lowe/Dalal style) so one strong edge cannot dominate.
  Normalize(&v, base, v.size(), 1.f);
  for (size_t i = base; i < v.size(); ++i) v[i] = std::min(v[i], 0.2f);
  Normalize(&v, 0, base, 0.5f);
  Normalize(&v, base, v.size(), 0.5f);
  return v;  // |v|^2 = 0.5 + 0.5 = 1
}

Result<std::unique_ptr<ProductGallery>> ProductGallery::Load(const std::string& dir,
                                                             ProductEmbedFn embed) {
  namespace fs = std::filesystem;
  const fs::path meta = fs::path(dir) / "gallery.json";
  std::ifstream in(meta);
  if (!in) return Status(errc::kNotFound, "product gallery: cannot read " + meta.string());
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.contains("Products") || !j["Products"].is_array())
    return Status(errc::kInvalidConfiguration,
                  "product gallery: " + meta.string() + " must be {\"Products\":[…]}");
  std::unique_ptr<ProductGallery> g(new ProductGallery());
  g->embed_ = std::move(embed);
  auto text = [](const nlohmann::json& o, const char* k) {
    auto it = o.find(k);
    if (it == o.end() || it->is_null()) return std::string();
    return it->is_string() ? it->get<std::string>() : it->dump();
  };
  for (const auto& p : j["Products"]) {
    GalleryProduct gp;
    gp.name = text(p, "Name");
    gp.brand = text(p, "Brand");
    gp.price = text(p, "Price");
    gp.category = text(p, "ProductCategory");
    gp.image = text(p, "Image");
    if (p.contains("LemmaInfoList") && p["LemmaInfoList"].is_array()) {
      for (const auto& l : p["LemmaInfoList"])
        gp.lemmas.push_back({text(l, "LemmaTitle"), text(l, "LemmaAbstract"), text(l, "Tag")});
    }
    if (gp.name.empty() || !p.contains("Files") || !p["Files"].is_array() || p["Files"].empty())
      return Status(errc::kInvalidConfiguration,
                    "product gallery: every product needs a Name and at least one file in Files (" +
                        meta.string() + ")");
    g->products_.push_back(std::move(gp));
    for (const auto& f : p["Files"]) {
      if (!f.is_string())
        return Status(errc::kInvalidConfiguration,
                      "product gallery: Files must list file names (" + meta.string() + ")");
      const fs::path photo = fs::path(dir) / f.get<std::string>();
      cv::Mat image = cv::imread(photo.string(), cv::IMREAD_COLOR);
      if (image.empty())
        return Status(errc::kNotFound, "product gallery: cannot read image " + photo.string());
      ASSIGN_OR_RETURN(auto v, g->embed_(image));
      g->vectors_.push_back(std::move(v));
      g->owner_.push_back(g->products_.size() - 1);
    }
  }
  return g;
}

std::vector<ProductGallery::Match> ProductGallery::Nearest(const std::vector<float>& query,
                                                           size_t k) const {
  std::vector<float> best(products_.size(), -2.f);
  for (size_t i = 0; i < vectors_.size(); ++i) {
    if (vectors_[i].size() != query.size()) continue;
    float dot = 0;
    for (size_t d = 0; d < query.size(); ++d) dot += vectors_[i][d] * query[d];
    best[owner_[i]] = std::max(best[owner_[i]], dot);
  }
  std::vector<Match> out;
  for (size_t p = 0; p < products_.size(); ++p) {
    if (best[p] > -2.f) out.push_back({&products_[p], best[p]});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Match& a, const Match& b) { return a.score > b.score; });
  if (out.size() > k) out.resize(k);
  return out;
}

Result<std::vector<ProductGallery::Match>> ProductGallery::NearestTo(const cv::Mat& bgr_crop,
                                                                     size_t k) const {
  ASSIGN_OR_RETURN(auto v, embed_(bgr_crop));
  return Nearest(v, k);
}

}  // namespace kanjian::vision
