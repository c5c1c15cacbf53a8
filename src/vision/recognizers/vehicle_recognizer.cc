#include "vision/recognizers/vehicle_recognizer.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "vision/recognizers/vehicle_color.h"
#include "vision/recognizers/vehicle_plate.h"

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

// PlateInfo for a plate read from `box` (vehicle-crop pixels; `crop` is the
// upright plate image, for its colour).
PlateInfo MakePlateInfo(const cv::Mat& crop, const ocr::TextBox& box, const PlateText& parsed,
                        const ocr::DecodedText& text, Point offset) {
  PlateInfo info;
  info.plate = parsed.plate;
  ColorName color = NamePlateColor(crop);
  info.color = color.name;
  info.type = PlateTypeText(color.name, parsed.kind);
  for (const auto& c : box.corners)
    info.location.push_back({offset.x + int(std::lround(c.x)), offset.y + int(std::lround(c.y))});
  info.angle_deg = std::round(box.angle_deg * 10) / 10;
  info.confidence = int(std::lround(100 * text.confidence));
  // A clean plate reads with a high mean and no very weak character; a
  // smudged/occluded/blurred one loses one or the other.
  float weakest = *std::min_element(text.char_confidence.begin(), text.char_confidence.end());
  bool clean = text.confidence >= 0.85f && weakest >= 0.45f;
  info.status = clean ? "正常车牌" : "遮挡污损模糊车牌";
  float quality = 0.5f * (text.confidence + weakest);
  info.status_confidence = int(std::lround(100 * (clean ? quality : 1 - quality)));
  return info;
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
  ASSIGN_OR_RETURN(auto boxes, ocr.DetectText(vehicle_bgr, det));
  // Most plate-like first: plates sit low in the box and are the strongest text.
  std::vector<ocr::TextBox> candidates;
  for (const auto& b : boxes)
    if (PlateShaped(b)) candidates.push_back(b);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  if (int(candidates.size()) > options.plate_candidates_max)
    candidates.resize(options.plate_candidates_max);

  std::optional<PlateInfo> best;
  // Candidates that read as the bottom row of a two-row plate, with their text.
  std::vector<std::pair<const ocr::TextBox*, ocr::DecodedText>> bottom_rows;
  for (const auto& box : candidates) {
    cv::Mat crop = ocr::OcrEngine::CropBox(vehicle_bgr, box);
    ASSIGN_OR_RETURN(auto text, ocr.RecognizeLine(crop));
    auto parsed = ParsePlate(text.text);
    if (!parsed) {
      if (IsTwoRowBottom(text.text)) bottom_rows.emplace_back(&box, std::move(text));
      continue;
    }
    int confidence = int(std::lround(100 * text.confidence));
    if (best && best->confidence >= confidence) continue;
    best = MakePlateInfo(crop, box, *parsed, text, offset);
    // A confident read under the plate grammar is the plate: the weaker
    // candidates left are not read (up to 3 recognitions fewer per car).
    if (confidence >= options.plate_accept_confidence) break;
  }
  if (best) return best;  // single-row plates as before; two-row only without one

  for (const auto& [bottom, bottom_text] : bottom_rows) {
    auto top = TwoRowTopLine(*bottom, boxes);
    if (!top) continue;
    ASSIGN_OR_RETURN(auto top_text, ocr.RecognizeLine(ocr::OcrEngine::CropBox(vehicle_bgr, *top)));
    auto parsed = ParseTwoRowPlate(top_text.text, bottom_text.text);
    if (!parsed) continue;
    // Both rows' characters judge the text; the box spans both rows.
    ocr::DecodedText joined;
    joined.text = parsed->plate;
    joined.char_confidence = top_text.char_confidence;
    joined.char_confidence.insert(joined.char_confidence.end(), bottom_text.char_confidence.begin(),
                                  bottom_text.char_confidence.end());
    float sum = 0;
    for (float c : joined.char_confidence) sum += c;
    joined.confidence = sum / float(joined.char_confidence.size());
    ocr::TextBox plate = *bottom;
    plate.corners[0] = top->corners[0];
    plate.corners[1] = top->corners[1];
    int confidence = int(std::lround(100 * joined.confidence));
    if (best && best->confidence >= confidence) continue;
    best =
        MakePlateInfo(ocr::OcrEngine::CropBox(vehicle_bgr, plate), plate, *parsed, joined, offset);
  }
  return best;
}

std::optional<ocr::TextBox> TwoRowTopLine(const ocr::TextBox& bottom,
                                          const std::vector<ocr::TextBox>& boxes) {
  const auto& b = bottom.corners;
  const double w = cv::norm(b[1] - b[0]), h = cv::norm(b[3] - b[0]);
  if (w < 1 || h < 1) return std::nullopt;
  const cv::Point2f u = (b[1] - b[0]) / float(w), v = (b[3] - b[0]) / float(h);
  double top = 0, low = 0;  // the top row's extent along v
  bool found = false;
  for (const auto& box : boxes) {
    if (box.corners == bottom.corners) continue;
    double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
    for (const auto& c : box.corners) {
      const cv::Point2f d = c - b[0];
      x0 = std::min(x0, double(d.dot(u)));
      x1 = std::max(x1, double(d.dot(u)));
      y0 = std::min(y0, double(d.dot(v)));
      y1 = std::max(y1, double(d.dot(v)));
    }
    const double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, height = y1 - y0;
    if (cy >= 0 || y1 < -0.5 * h) continue;              // above, and close
    if (height < 0.3 * h || height > 1.0 * h) continue;  // a smaller line
    if (cx < 0.1 * w || cx > 0.9 * w || x0 < -0.1 * w || x1 > 1.1 * w) continue;  // over it
    top = found ? std::min(top, y0) : y0;
    low = found ? std::max(low, y1) : y1;
    found = true;
  }
  if (!found || low - top > h) return std::nullopt;
  ocr::TextBox line;
  line.corners = {b[0] + v * float(top), b[1] + v * float(top), b[1] + v * float(low),
                  b[0] + v * float(low)};
  line.score = bottom.score;
  line.angle_deg = bottom.angle_deg;
  return line;
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
    for (const Detection* k : kept)
      duplicate = duplicate || BoxIou(d->box, k->box) > options.same_vehicle_iou;
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
        ASSIGN_OR_RETURN(auto plate,
                         FindPlate(image(lower), Point{lower.x, lower.y}, *ocr, options));
        if (plate) none = std::move(*plate);
      }
      tag.plate = std::move(none);
    }
    tags.push_back(std::move(tag));
  }
  return tags;
}

}  // namespace kanjian::vision
