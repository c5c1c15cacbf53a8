// Finding vehicles whatever their size in the frame (RecognizeCar/Pro).
//
// The COCO detector finds vehicles from a few percent of the frame up to
// about two thirds of it; a rear view that fills or overflows the frame (a
// gate or parking camera, often blurred) is missed. Three passes, each only
// when the one before found nothing:
//   1. the detector on the image;
//   2. the detector on the image shrunk into a grey canvas of its own size
//      (the vehicle then fits the sizes the detector knows); boxes are mapped
//      back and clipped to the frame;
//   3. plate first: OCR over the whole image; a text line that reads as a
//      plate under the plate grammar means a vehicle, reported with the whole
//      frame as its box and kPlateFirstConfidence (below any detector-found
//      vehicle, whose confidence is at least VehicleOptions::min_score).
// A photo with neither a vehicle nor a plate yields no CarTag: nothing is
// invented (docs/developers/vision/ocr_car_envelope.md, "Close-up vehicles").
#pragma once

#include <functional>
#include <opencv2/core/mat.hpp>
#include <vector>

#include "vision/recognizers/vehicle_recognizer.h"

namespace kanjian::vision {

// The CarTag confidence (and TypeConfidence) of a vehicle known only by its plate.
inline constexpr int kPlateFirstConfidence = 20;

// `image` shrunk by `scale` (0 < scale <= 1) and centred in a canvas of the
// same size, grey 114 around it (the detector's own padding colour).
struct ShrunkCanvas {
  cv::Mat canvas;
  float scale = 1;
  int offset_x = 0, offset_y = 0;
};
ShrunkCanvas ShrinkIntoCanvas(const cv::Mat& image, float scale);

// Detections on `shrunk.canvas` in the original image's pixels, clipped to
// `width` x `height`; those that lie wholly in the padding are dropped.
std::vector<Detection> MapFromCanvas(const std::vector<Detection>& detections,
                                     const ShrunkCanvas& shrunk, int width, int height);

// The vehicle a plate read anywhere in `image` stands for (pass 3): the frame
// as its box, Type from the plate (蓝 and small new-energy plates: 轿车;
// yellow plates belong to trucks and buses alike: ""), Color from the whole
// frame. `plate` is set only when `with_plate` (Pro). nullopt without a plate.
Result<std::optional<CarTag>> VehicleFromPlate(const cv::Mat& image, const ocr::OcrEngine& ocr,
                                               bool with_plate, const VehicleOptions& options);

using DetectFn = std::function<Result<std::vector<Detection>>(const cv::Mat&)>;

// The three passes above. `pro` reads plates. Empty when nothing was found.
Result<std::vector<CarTag>> FindVehicles(const cv::Mat& image, const DetectFn& detect,
                                         const ocr::OcrEngine& ocr, bool pro,
                                         const VehicleOptions& options);

}  // namespace kanjian::vision
