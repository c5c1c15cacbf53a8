// A detector's answer, in original image pixels (models/yolo_detector.h
// produces it; the batcher and the recognizers pass it on).
#pragma once

#include <string>

namespace kanjian::vision {

struct Box {
  int x = 0, y = 0, width = 0, height = 0;
};

struct Detection {
  int class_id = 0;
  std::string label;  // COCO name, e.g. "dog"
  float score = 0;    // objectness * class score, 0..1
  Box box;            // in original image pixels, clipped to the image
};

}  // namespace kanjian::vision
