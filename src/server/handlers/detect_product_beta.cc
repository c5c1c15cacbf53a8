// DetectProductBeta (商品识别-微信识物版): ≤ 1 MB JPG only. →
// {"RegionDetected":[{"Category","CategoryScore","Location"}] (≤ 3, most
// salient first), "ProductInfo":{"FindSKU",…}, "ProductInfoList":[…]|null}.
// SKU fields come only from the operator's gallery (serve --product-gallery,
// re-read on a models reload); without one FindSKU is 0. Nothing found →
// FailedOperation.NoObjectDetected (vision::DetectProductBeta).
#include "common/error_codes.h"
#include "server/handlers/handlers.h"

namespace kanjian::server {
namespace {

using nlohmann::json;

json Location(const vision::Box& b) {
  return {{"XMin", b.x}, {"YMin", b.y}, {"XMax", b.x + b.width}, {"YMax", b.y + b.height}};
}

json Info(const vision::SkuCandidate* sku, const vision::Box& where, bool need_lemma) {
  if (!sku) {
    return {{"FindSKU", 0},
            {"Location", Location(where)},
            {"Name", ""},
            {"Brand", ""},
            {"Price", ""},
            {"ProductCategory", ""},
            {"Score", 0.0},
            {"Image", ""},
            {"LemmaInfoList", nullptr}};
  }
  const vision::GalleryProduct& p = *sku->product;
  json lemmas = nullptr;
  if (need_lemma) {
    lemmas = json::array();
    for (const auto& l : p.lemmas)
      lemmas.push_back({{"LemmaTitle", l.title}, {"LemmaAbstract", l.abstract}, {"Tag", l.tag}});
  }
  return {{"FindSKU", 1},           {"Location", Location(sku->box)},
          {"Name", p.name},         {"Brand", p.brand},
          {"Price", p.price},       {"ProductCategory", p.category},
          {"Score", sku->score},    {"Image", p.image},
          {"LemmaInfoList", lemmas}};
}

}  // namespace

Result<json> HandleDetectProductBeta(const ActionCall& call) {
  bool need_lemma = false;
  if (auto it = call.params.find("NeedLemma"); it != call.params.end()) {
    if (!it->is_number_integer() || (it->get<int64_t>() != 0 && it->get<int64_t>() != 1))
      return Status(errc::kInvalidParameterValue, "NeedLemma must be 0 or 1");
    need_lemma = it->get<int64_t>() == 1;
  }
  ASSIGN_OR_RETURN(auto result,
                   RunAction<vision::ProductBetaResult>(call, vision::DetectProductBeta));

  json regions = json::array();
  for (const auto& r : result.regions)
    regions.push_back(
        {{"Category", r.category}, {"CategoryScore", r.score}, {"Location", Location(r.box)}});
  const vision::Box where = result.regions.empty() ? vision::Box{} : result.regions.front().box;
  json info = Info(result.skus.empty() ? nullptr : &result.skus.front(), where, need_lemma);
  json list = nullptr;
  if (!result.skus.empty()) {
    list = json::array();
    for (const auto& s : result.skus) list.push_back(Info(&s, s.box, need_lemma));
  }
  return json{{"RegionDetected", std::move(regions)},
              {"ProductInfo", std::move(info)},
              {"ProductInfoList", std::move(list)}};
}

}  // namespace kanjian::server
