// YOLOv5 object detector on ONNX Runtime (COCO-80 classes).
//
// Model contract (scripts/convert_yolov5.py): input `images` float32
// [N,3,S,S] RGB 0..1; output float32 [N,A,85] = cx,cy,w,h in input pixels,
// objectness, 80 class scores, all sigmoided. A model with another class
// count works too; its labels are then "class<k>".
#pragma once

#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "vision/runtime/detection.h"

namespace Ort {
struct Session;
}

namespace kanjian::vision {

// How a photo is fitted into the network input.
enum class Letterbox {
  // input_size x input_size, the photo centred on grey (a model with a fixed
  // input, or one with dynamic H and W).
  kSquare,
  // The photo's own aspect: longer side input_size, each side rounded up to a
  // multiple of 32 (YOLOv5's rectangular inference: 1280x720 -> 640x384,
  // 40 % fewer pixels than 640x640). Needs a model with dynamic H and W
  // (scripts/convert_yolov5.py --dynamic-size).
  kStride,
};

struct DetectorConfig {
  std::string model_path;
  int input_size = 640;  // the longer side; must match a model with a fixed input size
  Letterbox letterbox = Letterbox::kSquare;
  float score_threshold = 0.25f;
  float nms_iou = 0.45f;
  int max_detections = 300;
  int intra_op_threads = 1;  // per Run(); workers already run in parallel
  // Idle intra-op threads busy-wait for work: lower latency on an idle
  // machine, wasted cores when several workers share few cores.
  bool allow_spinning = false;
};

// The COCO-80 class names, index = class id.
const std::vector<std::string>& CocoLabels();

// Thread-safe: one Ort::Session shared by all callers (Run is reentrant).
class YoloDetector {
 public:
  // Errors name the file: errc::kNotFound if missing, kInternalError if ORT
  // cannot load it or its shape does not fit the contract.
  static Result<std::unique_ptr<YoloDetector>> Load(const DetectorConfig& config);
  ~YoloDetector();
  YoloDetector(const YoloDetector&) = delete;
  YoloDetector& operator=(const YoloDetector&) = delete;

  // REQUIRES: bgr is non-empty CV_8UC3.
  Result<std::vector<Detection>> Detect(const cv::Mat& bgr) const;
  // One Run() over a batch; result[i] belongs to images[i]. With kStride the
  // batch's input is the smallest canvas that holds every image's own
  // stride-aligned shape (a 16:9 and a 4:3 photo share 640x480; a landscape
  // and a portrait one 640x640), each image centred in it.
  Result<std::vector<std::vector<Detection>>> DetectBatch(const std::vector<cv::Mat>& images) const;

  const DetectorConfig& config() const { return config_; }
  int num_classes() const { return num_classes_; }

 private:
  YoloDetector(DetectorConfig config, std::unique_ptr<Ort::Session> session, int num_classes,
               std::string input_name, std::string output_name);

  // Constant after construction.
  const DetectorConfig config_;
  const std::unique_ptr<Ort::Session> session_;
  const int num_classes_;
  const std::string input_name_;
  const std::string output_name_;
};

}  // namespace kanjian::vision
