#include "vision/vehicle_recognizer.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "vision/vehicle_color.h"
#include "vision/vehicle_plate.h"

namespace kanjian::vision {
namespace {

Quad QuadOf(const Box& b) {
  return {Point{b.x, b.y}, Point{b.x + b.width, b.y}, Point{b.x + b.width, b.y + b.height},
          Point{b.x, b.y + b.height}};
}

// Plates are wider than tall: 440x140 mm (3.1:1), 480x140 mm new energy,
// 440x220 mm two-row rear plates of large vehicles (2:1). Text boxes far
// from that are not read, which keeps OCR time per car bounded.
bool PlateShaped(const ocr::TextBox& box) {
  const auto& c = box.corners;
  double w = cv::norm(c[1] - c[0]), h = cv::norm(c[3] - c[0]);
  if (h < 6 || w < 20) return false;
  double aspect = w / h;
  return aspect > 1.6 && aspect < 8.0;
}

float BoxIou(const Box& a, const Box& b) {
  cv::Rect ra(a.x, a.y, a.width, a.height), rb(b.x, b.y, b.width, b.height);
  float inter = float((ra & rb).area());
  float uni = float(ra.area()) + float(rb.area()) - inter;
  return uni > 0 ? inter / uni : 0;
}

}  // namespace

std::string VehicleTypeFromLabel(const std::string& label) {
  if (label == "car") return "轿车";
  if (label == "truck") return "货车";
  if (label == "bus") return "客车";
  if (label == "motorcycle") return "摩托车";
  return "";
}

Result<std::optional<PlateInfo>> FindPlate(const cv::Mat& vehicle_bgr, Point offset,
                                           const ocr::OcrEngine& ocr,
                                           const VehicleOptions& options) {
  ocr::DetectOptions det;
  det.max_side = options.plate_ocr_max_side;
  det.db.box_threshold = 0.5f;
  auto boxes = ocr.DetectText(vehicle_bgr, det);
  if (!boxes.ok()) return boxes.status();
  // Most plate-like first: plates sit low in the box and are the strongest text.
  std::vector<ocr::TextBox> candidates;
  for (const auto& b : *boxes)
    if (PlateShaped(b)) candidates.push_back(b);
  std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
    return a.score > b.score;
  });
  if (int(candidates.size()) > options.plate_candidates_max)
    candidates.resize(options.plate_candidates_max);

  std::optional<PlateInfo> best;
  for (const auto& box : candidates) {
    cv::Mat crop = ocr::OcrEngine::CropBox(vehicle_bgr, box);
    auto text = ocr.RecognizeLine(crop);
    if (!text.ok()) return text.status();
    auto parsed = ParsePlate(text->text);
    if (!parsed) continue;
    int confidence = int(std::lround(100 * text->confidence));
    if (best && best->confidence >= confidence) continue;
    PlateInfo info;
    info.plate = parsed->plate;
    ColorName color = NamePlateColor(crop);
    info.color = color.name;
    info.type = PlateTypeText(color.name, parsed->kind);
    for (const auto& c : box.corners)
      info.location.push_back({offset.x + int(std::lround(c.x)), offset.y + int(std::lround(c.y))});
    info.angle_deg = std::round(box.angle_deg * 10) / 10;
    info.confidence = confidence;
    // A clean plate reads with a high mean and no very weak character; a
    // smudged/occluded/blurred one loses one or the other.
    float weakest = *std::min_element(text->char_confidence.begin(), text->char_confidence.end());
    bool clean = text->confidence >= 0.85f && weakest >= 0.45f;
    info.status = clean ? "正常车牌" : "遮挡污损模糊车牌";
    float quality = 0.5f * (text->confidence + weakest);
    info.status_confidence = int(std::lround(100 * (clean ? quality : 1 - quality)));
    best = std::move(info);
  }
  return best;
}

Result<std::vector<CarTag>> CarsFromDetections(const cv::Mat& image,
                                               const std::vector<Detection>& detections,
                                               const ocr::OcrEngine* ocr,
                                               const VehicleOptions& options) {
  std::vector<const Detection*> vehicles;
  for (const auto& d : detections) {
    if (d.score < options.min_score || VehicleTypeFromLabel(d.label).empty()) continue;
    if (std::min(d.box.width, d.box.height) < options.min_side_px) continue;
    vehicles.push_back(&d);
  }
  // The detector suppresses overlaps within a class only; one vehicle often
  // comes out as both car and truck. Keep the likelier class.
  std::stable_sort(vehicles.begin(), vehicles.end(),
                   [](const Detection* a, const Detection* b) { return a->score > b->score; });
  std::vector<const Detection*> kept;
  for (const Detection* d : vehicles) {
    bool duplicate = false;
    for (const Detection* k : kept) duplicate = duplicate || BoxIou(d->box, k->box) > options.same_vehicle_iou;
    if (!duplicate) kept.push_back(d);
  }
  vehicles = std::move(kept);
  std::stable_sort(vehicles.begin(), vehicles.end(), [](const Detection* a, const Detection* b) {
    return int64_t(a->box.width) * a->box.height > int64_t(b->box.width) * b->box.height;
  });
  if (int(vehicles.size()) > options.max_vehicles) vehicles.resize(options.max_vehicles);

  std::vector<CarTag> tags;
  for (const Detection* d : vehicles) {
    cv::Rect r = cv::Rect(d->box.x, d->box.y, d->box.width, d->box.height) &
                 cv::Rect(0, 0, image.cols, image.rows);
    if (r.empty()) continue;
    cv::Mat crop = image(r);
    CarTag tag;
    tag.type = VehicleTypeFromLabel(d->label);
    ColorName color = NameVehicleColor(crop);
    tag.color = color.name;
    tag.color_confidence = color.confidence;
    tag.confidence = int(std::lround(100 * d->score));
    tag.location = QuadOf(d->box);
    if (ocr) {
      PlateInfo none;
      if (r.width >= options.plate_min_vehicle_px) {
        // Plates hang on the bumper: search the lower part of the box only
        // (a third less OCR detection work, no text from roofs/windows).
        const int top = int(r.height * options.plate_search_top);
        cv::Rect lower(r.x, r.y + top, r.width, r.height - top);
        auto plate = FindPlate(image(lower), Point{lower.x, lower.y}, *ocr, options);
        if (!plate.ok()) return plate.status();
        if (*plate) none = std::move(**plate);
      }
      tag.plate = std::move(none);
    }
    tags.push_back(std::move(tag));
  }
  return tags;
}

}  // namespace kanjian::vision
