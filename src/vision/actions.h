// The eight billed actions, one plain function each and all of one shape:
// a decoded image and the models the request pinned (model_slot.h) in, the
// action's result out. The engine runs them on its pool:
//
//   engine.RunOnImage<std::vector<Pet>>(bytes, limits, deadline, DetectPet);
//
// and the server's handlers (server/handlers/) only map request parameters
// to their arguments and their results to the response JSON. Each function's
// thresholds are named constants beside the recognizer it calls
// (recognizers/). Every function may also fail with the detector's or the
// OCR engine's errors.
#pragma once

#include <vector>

#include "common/status.h"
#include "vision/model_slot.h"
#include "vision/recognizers/body_recognizer.h"
#include "vision/recognizers/envelope_recognizer.h"
#include "vision/recognizers/pet_recognizer.h"
#include "vision/recognizers/product_recognizer.h"
#include "vision/recognizers/product_taxonomy.h"
#include "vision/recognizers/vehicle_recognizer.h"

namespace kanjian::vision {

// Cats and dogs (kPetMinScore). Errors: kNoObjectDetected when there is none.
Result<std::vector<Pet>> DetectPet(const cv::Mat& image, const ModelSlot& models);

// Goods by category (kProductMinScore). Errors: kNoObjectDetected.
Result<std::vector<Product>> DetectProduct(const cv::Mat& image, const ModelSlot& models);

// The most salient product regions and the SKUs of the slot's gallery
// (ProductBetaOptions). Errors: kNoObjectDetected when neither is found.
Result<ProductBetaResult> DetectProductBeta(const cv::Mat& image, const ModelSlot& models);

// Vehicles (VehicleOptions); RecognizeCarPro reads their plates as well.
// Errors: kNoObjectDetected when there is no vehicle.
Result<std::vector<CarTag>> RecognizeCar(const cv::Mat& image, const ModelSlot& models);
Result<std::vector<CarTag>> RecognizeCarPro(const cv::Mat& image, const ModelSlot& models);

// 文件封 or not, and which side. Never kNoObjectDetected: a photo with no
// envelope is answered 非文件封.
Result<EnvelopeResult> DetectEnvelope(const cv::Mat& image, const ModelSlot& models);

// People and the action's attributes (BodyOptions, the models config's
// attribute classifiers). Errors: kInternalError when the slot has no
// registry set (no body models), kNoBodyInPhoto when there is no person.
Result<std::vector<Body>> DetectChefDress(const cv::Mat& image, const ModelSlot& models,
                                          const BodyOptions& options);
Result<std::vector<Body>> DetectSecurity(const cv::Mat& image, const ModelSlot& models,
                                         const BodyOptions& options);

}  // namespace kanjian::vision
