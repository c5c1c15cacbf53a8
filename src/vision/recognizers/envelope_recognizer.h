// DetectEnvelope: is the photo an express-mail document envelope (文件封), is it
// SF Express (顺丰) or another carrier, front or back — judged from the words
// PP-OCR reads and a barcode detector, never guessed without evidence.
//
// Evidence (each item counted once):
//   carrier words  顺丰/SF EXPRESS/95338 (SF); 快递 速运 速递 物流 邮政 EMS EXPRESS
//                  中通 圆通 申通 韵达 京东 百世 德邦 极兔 文件封 (any carrier)
//   front fields   收件人 寄件人 收件 寄件 收方 寄方 运单号 (waybill side)
//   waybill        a run of >= 10 digits (optionally after "SF")
//   barcode        a 1-D barcode found in the pixels
//   postal marks  a line ending in 收 (recipient) or 寄 (sender), 邮政编码/邮编,
//                  贴邮票处 (a plain letter envelope, no courier)
//   postcode boxes the row of 6 boxes on a letter envelope's front (pixels)
//   flap           the back's fold lines on plain paper, with no text (pixels)
// 文件封: carrier words, or front fields together with a waybill/barcode, or
// a letter envelope's front (postcode boxes, or 2 postal marks), or a flap
// on a sheet where no text was read (a back).
// Front: front fields, a waybill, a barcode or a letter envelope's front;
// otherwise back.
// Confidence grows with the number of evidence items (docs/developers/vision/ocr_car_envelope.md).
#pragma once

#include <string>
#include <vector>

#include "vision/models/ocr/ocr_engine.h"

namespace kanjian::vision {

struct EnvelopeTag {
  std::string name;
  float confidence = 0;  // 0..100
};

struct EnvelopeEvidence {
  bool sf = false;
  int carrier_words = 0;
  int front_fields = 0;
  bool waybill = false;
  bool barcode = false;
  int postal_marks = 0;
  bool postcode_boxes = false;
  bool flap = false;
  int text_lines = 0;  // lines read at all
};

struct EnvelopeResult {
  EnvelopeTag first;   // 文件封 / 非文件封
  EnvelopeTag second;  // 非文件封 / (非)顺丰文件封正面 / (非)顺丰文件封反面
  EnvelopeEvidence evidence;
};

// Evidence from recognised text lines (pure; no pixels).
EnvelopeEvidence EvidenceFromText(const std::vector<std::string>& lines);

// Tags from evidence (pure).
EnvelopeResult JudgeEnvelope(const EnvelopeEvidence& evidence);

// A 1-D barcode (dense parallel bars) somewhere in the image.
bool HasBarcode(const cv::Mat& bgr);

// OCR + barcode + JudgeEnvelope on one image.
Result<EnvelopeResult> RecognizeEnvelope(const cv::Mat& bgr, const ocr::OcrEngine& ocr);

}  // namespace kanjian::vision
