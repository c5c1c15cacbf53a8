#include "vision/recognizers/pet_recognizer.h"

#include <algorithm>
#include <cmath>

namespace kanjian::vision {

std::vector<Pet> PetsFromDetections(const std::vector<Detection>& detections, float min_score) {
  std::vector<const Detection*> kept;
  for (const Detection& d : detections) {
    if ((d.label == "cat" || d.label == "dog") && d.score >= min_score) kept.push_back(&d);
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const Detection* a, const Detection* b) { return a->score > b->score; });
  std::vector<Pet> pets;
  for (const Detection* d : kept) {
    int score = std::clamp(int(std::lround(d->score * 100)), 0, 100);
    pets.push_back({d->label, score, d->box});
  }
  return pets;
}

}  // namespace kanjian::vision
