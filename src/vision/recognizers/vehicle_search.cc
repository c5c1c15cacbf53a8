#include "vision/recognizers/vehicle_search.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "vision/recognizers/vehicle_color.h"

namespace kanjian::vision {

ShrunkCanvas ShrinkIntoCanvas(const cv::Mat& image, float scale) {
  ShrunkCanvas out;
  out.scale = std::clamp(scale, 0.05f, 1.f);
  const int w = std::max(1, int(std::lround(image.cols * out.scale)));
  const int h = std::max(1, int(std::lround(image.rows * out.scale)));
  out.offset_x = (image.cols - w) / 2;
  out.offset_y = (image.rows - h) / 2;
  out.canvas = cv::Mat(image.rows, image.cols, image.type(), cv::Scalar::all(114));
  cv::resize(image, out.canvas(cv::Rect(out.offset_x, out.offset_y, w, h)), cv::Size(w, h), 0, 0,
             cv::INTER_AREA);
  return out;
}

std::vector<Detection> MapFromCanvas(const std::vector<Detection>& detections,
                                     const ShrunkCanvas& shrunk, int width, int height) {
  std::vector<Detection> out;
  for (Detection d : detections) {
    auto to_image = [&](int v, int offset, int limit) {
      return std::clamp(int(std::lround((v - offset) / shrunk.scale)), 0, limit);
    };
    const int x0 = to_image(d.box.x, shrunk.offset_x, width);
    const int y0 = to_image(d.box.y, shrunk.offset_y, height);
    const int x1 = to_image(d.box.x + d.box.width, shrunk.offset_x, width);
    const int y1 = to_image(d.box.y + d.box.height, shrunk.offset_y, height);
    if (x1 <= x0 || y1 <= y0) continue;  // wholly in the padding
    d.box = {x0, y0, x1 - x0, y1 - y0};
    out.push_back(d);
  }
  return out;
}

namespace {

// 蓝 plates are small cars'; new-energy plates with D/F third are small
// cars'; yellow plates are trucks' and buses' alike (not told apart).
std::string TypeFromPlate(const PlateInfo& plate) {
  if (plate.color == "蓝") return VehicleTypeFromLabel("car");
  // The plate text: a 3-byte province, then ASCII; the third character is plate[4].
  if (plate.plate.size() == 3 + 7 && (plate.plate[4] == 'D' || plate.plate[4] == 'F'))
    return VehicleTypeFromLabel("car");
  return "";
}

Quad FrameQuad(const cv::Mat& image) {
  return {Point{0, 0}, Point{image.cols, 0}, Point{image.cols, image.rows}, Point{0, image.rows}};
}

}  // namespace

Result<std::optional<CarTag>> VehicleFromPlate(const cv::Mat& image, const ocr::OcrEngine& ocr,
                                               bool with_plate, const VehicleOptions& options) {
  VehicleOptions whole = options;
  whole.plate_ocr_max_side = options.plate_first_ocr_max_side;
  whole.plate_candidates_max = options.plate_first_candidates_max;
  ASSIGN_OR_RETURN(auto plate, FindPlate(image, Point{0, 0}, ocr, whole));
  if (!plate) return std::optional<CarTag>();
  CarTag tag;
  tag.type = TypeFromPlate(*plate);
  ColorName color = NameVehicleColor(image);
  tag.color = color.name;
  tag.color_confidence = color.confidence / 2;  // the frame is not all vehicle
  tag.confidence = kPlateFirstConfidence;
  tag.location = FrameQuad(image);
  if (with_plate) tag.plate = std::move(*plate);
  return std::optional<CarTag>(std::move(tag));
}

Result<std::vector<CarTag>> FindVehicles(const cv::Mat& image, const DetectFn& detect,
                                         const ocr::OcrEngine& ocr, bool pro,
                                         const VehicleOptions& options) {
  const ocr::OcrEngine* reader = pro ? &ocr : nullptr;
  ASSIGN_OR_RETURN(auto detections, detect(image));
  auto cars = CarsFromDetections(image, detections, reader, options);
  if (!cars.ok() || !cars->empty()) return cars;

  ShrunkCanvas shrunk = ShrinkIntoCanvas(image, options.closeup_canvas_scale);
  ASSIGN_OR_RETURN(auto shrunk_detections, detect(shrunk.canvas));
  cars = CarsFromDetections(image, MapFromCanvas(shrunk_detections, shrunk, image.cols, image.rows),
                            reader, options);
  if (!cars.ok() || !cars->empty()) return cars;

  ASSIGN_OR_RETURN(auto from_plate, VehicleFromPlate(image, ocr, pro, options));
  std::vector<CarTag> out;
  if (from_plate) out.push_back(std::move(*from_plate));
  return out;
}

}  // namespace kanjian::vision
