// Face detector on ONNX Runtime.
//
// Decode kinds (ModelSpec::decode):
//   "ultraface"  outputs scores[1,A,2] (softmaxed: background, face) and
//                boxes[1,A,4] (x1,y1,x2,y2 as fractions of the input), as
//                the bundled fr_detect.onnx (faceplugin-face-recognition-js
//                0.0.1: 1x3x240x320 RGB, (x-127)/128, A = 4420; provenance of
//                the weights undocumented by its publisher).
// Extras: "score_threshold" (default 0.7), "nms_iou" (0.4), "min_face_px" (8).
#pragma once

#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "vision/models/yolo_detector.h"
#include "vision/runtime/model_spec.h"
#include "vision/runtime/onnx_session.h"

namespace kanjian::vision {

struct Face {
  Box box;          // original image pixels, clipped
  float score = 0;  // 0..1
};

class FaceDetector {
 public:
  static Result<std::unique_ptr<FaceDetector>> Load(const ModelSpec& spec,
                                                    int intra_op_threads = 1);
  ~FaceDetector();
  FaceDetector(const FaceDetector&) = delete;
  FaceDetector& operator=(const FaceDetector&) = delete;

  // Faces, highest score first. REQUIRES: bgr non-empty CV_8UC3.
  Result<std::vector<Face>> Detect(const cv::Mat& bgr) const;

 private:
  FaceDetector(ModelSpec spec, std::unique_ptr<Ort::Session> session);

  // Constant after construction.
  const ModelSpec spec_;
  const std::unique_ptr<Ort::Session> session_;
  float score_threshold_ = 0.7f;
  float nms_iou_ = 0.4f;
  int min_face_px_ = 8;
  std::string input_name_;
  std::string scores_name_, boxes_name_;
};

// Greedy NMS over scored boxes (any class); returns kept indices, best first.
std::vector<int> NmsIndices(const std::vector<cv::Rect2f>& boxes, const std::vector<float>& scores,
                            float iou);

}  // namespace kanjian::vision
