// RecognizeCar / RecognizeCarPro: COCO vehicle boxes -> CarTags, and for Pro
// the plate located and read with PP-OCR inside each vehicle box.
//
// What the bundled models can judge: Type from the detector class, Color from
// the box's pixels, the plate (text, colour, type, box, tilt) from OCR + the
// plate grammar. Serial/Brand/Year need a make model that no bundled model
// provides: "" / 0. Orientation likewise "" (confidence 0).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "vision/models/ocr/ocr_engine.h"
#include "vision/models/yolo_detector.h"

namespace kanjian::vision {

struct Point {
  int x = 0, y = 0;
};
using Quad = std::array<Point, 4>;  // clockwise from top-left

struct PlateInfo {
  std::string plate;            // "" when no plate could be read
  std::string color;            // 蓝/黄/绿/白/黑
  std::string type;             // 普通蓝牌, 新能源绿牌…
  std::vector<Point> location;  // 4 corners in image pixels, or empty
  std::string status;           // 正常车牌 / 遮挡污损模糊车牌 ("" without a plate)
  int status_confidence = 0;    // 0..100
  float angle_deg = 0;          // tilt of the plate's long side
  int confidence = 0;           // 0..100, OCR confidence of the plate text
};

struct CarTag {
  std::string type;   // 轿车/货车/客车/摩托车
  std::string color;  // 白/黑/银灰/红/…
  int color_confidence = 0;
  int confidence = 0;  // detector score 0..100
  Quad location;
  std::optional<PlateInfo> plate;  // Pro only
};

struct VehicleOptions {
  float min_score = 0.30f;  // detector score to report a vehicle
  int min_side_px = 24;     // smaller boxes are ignored
  int max_vehicles = 10;
  float same_vehicle_iou =
      0.6f;  // boxes of different vehicle classes overlapping more are one vehicle
  int plate_ocr_max_side = 640;      // OCR detector input for a vehicle crop
  int plate_min_vehicle_px = 60;     // no plate search on vehicles narrower than this
  int plate_candidates_max = 4;      // text boxes read per vehicle
  int plate_accept_confidence = 90;  // a plate read this confidently ends the search
  float plate_search_top = 0.35f;    // the plate is searched below this fraction of the box height
  // Close-ups (vehicle_search.h): the second detection pass shrinks the image
  // to this fraction of its size; the plate-first pass reads the whole image
  // at this OCR input size and this many plate-shaped text lines.
  float closeup_canvas_scale = 0.5f;
  int plate_first_ocr_max_side = 960;
  int plate_first_candidates_max = 8;
};

// COCO class -> Type text; "" for non-vehicles.
std::string VehicleTypeFromLabel(const std::string& coco_label);

// CarTags from detections, largest box first. With `ocr` (Pro), each vehicle
// gets its PlateInfo (empty strings when unreadable). Empty when no vehicle.
Result<std::vector<CarTag>> CarsFromDetections(const cv::Mat& image,
                                               const std::vector<Detection>& detections,
                                               const ocr::OcrEngine* ocr,
                                               const VehicleOptions& options);

// The plate in one vehicle crop (BGR); offset maps crop to image pixels.
// Single-row plates first; only when none reads, two-row plates: a candidate
// line that reads as a bottom row (IsTwoRowBottom) joined with the line
// TwoRowTopLine finds above it, under ParseTwoRowPlate. The plate box then
// covers both rows. The first single-row read at plate_accept_confidence or
// more ends the search. nullopt when nothing parses as a plate.
Result<std::optional<PlateInfo>> FindPlate(const cv::Mat& vehicle_bgr, Point offset,
                                           const ocr::OcrEngine& ocr,
                                           const VehicleOptions& options);

// The top row of a two-row plate whose bottom row is `bottom`, from the text
// boxes detected in the same crop. In the bottom row's frame (x along it,
// y down, h its height, w its width) a top-row box has its centre above the
// bottom row (y < 0), its lower edge at most h/2 above it, a height of
// 0.3–1 h, its centre in the middle 80 % of w and its ends within w ± 10 %.
// The line returned spans the bottom row's width and those boxes' height, so
// a top row the detector split (京 | A) or half missed is read whole.
// nullopt when no box sits there.
std::optional<ocr::TextBox> TwoRowTopLine(const ocr::TextBox& bottom,
                                          const std::vector<ocr::TextBox>& boxes);

}  // namespace kanjian::vision
