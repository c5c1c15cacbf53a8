#include "vision/actions.h"

#include <string>

#include "common/error_codes.h"
#include "vision/models/attribute_classifier.h"
#include "vision/recognizers/vehicle_search.h"

namespace kanjian::vision {
namespace {

Result<std::vector<CarTag>> Cars(const cv::Mat& image, const ModelSlot& models, bool pro) {
  ASSIGN_OR_RETURN(auto cars, FindVehicles(
                                  image, [&models](const cv::Mat& m) { return models.Detect(m); },
                                  *models.ocr, pro, VehicleOptions{}));
  if (cars.empty()) return Status(errc::kNoObjectDetected, "no vehicle found in the image");
  return cars;
}

const std::vector<std::string>& AttributesOf(BodyAction action) {
  return action == BodyAction::kChefDress ? ChefDressAttributes() : SecurityAttributes();
}

Result<std::vector<Body>> Bodies(const cv::Mat& image, const ModelSlot& models, BodyAction action,
                                 const BodyOptions& options) {
  if (!models.models)
    return Status(errc::kInternalError, "body models are not loaded on this server");
  // The phone method needs COCO detections even when person detection is off.
  bool need_detections = options.enable_detect;
  for (const std::string& name : AttributesOf(action)) {
    auto it = models.models->config.attributes.find(name);
    if (it != models.models->config.attributes.end() && it->second.builtin == "phone_near_person")
      need_detections = true;
  }
  std::vector<Detection> detections;
  if (need_detections) {
    ASSIGN_OR_RETURN(auto d, models.Detect(image));
    detections = std::move(d);
  }
  ASSIGN_OR_RETURN(auto bodies,
                   RecognizeBodies(image, detections, *models.models, action, options));
  if (bodies.empty()) return Status(errc::kNoBodyInPhoto, "no person found in the image");
  return bodies;
}

}  // namespace

Result<std::vector<Pet>> DetectPet(const cv::Mat& image, const ModelSlot& models) {
  ASSIGN_OR_RETURN(auto detections, models.Detect(image));
  std::vector<Pet> pets = PetsFromDetections(detections, kPetMinScore);
  if (pets.empty()) return Status(errc::kNoObjectDetected, "no cat or dog found in the image");
  return pets;
}

Result<std::vector<Product>> DetectProduct(const cv::Mat& image, const ModelSlot& models) {
  ASSIGN_OR_RETURN(auto detections, models.Detect(image));
  std::vector<Product> products = ProductsFromDetections(detections, kProductMinScore);
  if (products.empty()) return Status(errc::kNoObjectDetected, "no product found in the image");
  return products;
}

Result<ProductBetaResult> DetectProductBeta(const cv::Mat& image, const ModelSlot& models) {
  ASSIGN_OR_RETURN(auto detections, models.Detect(image));
  ASSIGN_OR_RETURN(
      auto result,
      RecognizeProductBeta(image, detections, models.product_gallery.get(), ProductBetaOptions{}));
  if (result.regions.empty() && result.skus.empty())
    return Status(errc::kNoObjectDetected, "no product found in the image");
  return result;
}

Result<std::vector<CarTag>> RecognizeCar(const cv::Mat& image, const ModelSlot& models) {
  return Cars(image, models, /*pro=*/false);
}

Result<std::vector<CarTag>> RecognizeCarPro(const cv::Mat& image, const ModelSlot& models) {
  return Cars(image, models, /*pro=*/true);
}

Result<EnvelopeResult> DetectEnvelope(const cv::Mat& image, const ModelSlot& models) {
  return RecognizeEnvelope(image, *models.ocr);
}

Result<std::vector<Body>> DetectChefDress(const cv::Mat& image, const ModelSlot& models,
                                          const BodyOptions& options) {
  return Bodies(image, models, BodyAction::kChefDress, options);
}

Result<std::vector<Body>> DetectSecurity(const cv::Mat& image, const ModelSlot& models,
                                         const BodyOptions& options) {
  return Bodies(image, models, BodyAction::kSecurity, options);
}

}  // namespace kanjian::vision
