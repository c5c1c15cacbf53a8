#include "vision/recognizers/body_recognizer.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "common/error_codes.h"
#include "vision/models/face_detector.h"

namespace kanjian::vision {
namespace {

const std::vector<std::string>& NamesOf(BodyAction action) {
  return action == BodyAction::kChefDress ? ChefDressAttributes() : SecurityAttributes();
}

cv::Rect ToRect(const Box& b) {
  return cv::Rect(b.x, b.y, b.width, b.height);
}

double Sharpness(const cv::Mat& crop) {
  cv::Mat grey, small, lap;
  cv::cvtColor(crop, grey, cv::COLOR_BGR2GRAY);
  const double s = 128.0 / std::max(1, crop.rows);
  cv::resize(grey, small, cv::Size(), s, s, s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::Laplacian(small, lap, CV_32F);
  cv::Scalar mean, stddev;
  cv::meanStdDev(lap, mean, stddev);
  return stddev[0] * stddev[0];
}

}  // namespace

std::string LowQualityReason(const cv::Mat& image, const cv::Rect& body,
                             const BodyOptions& options) {
  const bool whole = body == cv::Rect(0, 0, image.cols, image.rows);
  if (!whole) {
    if (body.height < options.min_height_px ||
        double(body.area()) < options.min_area_share * double(image.total()))
      return "small";
    const int edge = 2;
    const bool top = body.y <= edge;
    const int edges = top + (body.x <= edge) + (body.br().x >= image.cols - edge) +
                      (body.br().y >= image.rows - edge);
    if (top || edges >= 2) return "truncated";
  }
  cv::Rect r = body & cv::Rect(0, 0, image.cols, image.rows);
  if (r.area() <= 0) return "small";
  if (Sharpness(image(r)) < options.min_sharpness) return "blurred";
  return "";
}

Result<std::vector<Body>> RecognizeBodies(const cv::Mat& image,
                                          const std::vector<Detection>& detections,
                                          const ModelSet& models, BodyAction action,
                                          const BodyOptions& options) {
  // Persons, most confident first; or the whole image as one body.
  std::vector<std::pair<cv::Rect, const Detection*>> persons;
  if (options.enable_detect) {
    for (const Detection& d : detections)
      if (d.label == "person" && d.score >= options.person_min_score)
        persons.push_back({ToRect(d.box), &d});
    std::stable_sort(persons.begin(), persons.end(), [](const auto& a, const auto& b) {
      return a.second->score > b.second->score;
    });
  } else {
    persons.push_back({cv::Rect(0, 0, image.cols, image.rows), nullptr});
  }
  if (persons.empty()) return std::vector<Body>{};

  // The classifiers this action has; faces only if one of them is in use.
  std::vector<std::pair<std::string, const AttributeClassifier*>> judges;
  for (const std::string& name : NamesOf(action)) {
    auto it = models.attributes.find(name);
    if (it != models.attributes.end()) judges.push_back({name, it->second.get()});
  }
  std::vector<Face> faces;
  if (!judges.empty() && models.face_detector) {
    ASSIGN_OR_RETURN(auto f, models.face_detector->Detect(image));
    faces = std::move(f);
  }

  std::vector<Body> bodies;
  for (const auto& [rect, det] : persons) {
    Body body;
    if (det) {
      body.rect = det->box;
      body.detect_confidence = det->score;
    }
    std::vector<Face> inside;
    for (const Face& f : faces) {
      cv::Point c(f.box.x + f.box.width / 2, f.box.y + f.box.height / 2);
      if (rect.contains(c)) inside.push_back(f);
    }
    const bool filtered =
        options.enable_preferred && !LowQualityReason(image, rect, options).empty();
    BodyContext ctx{image, rect, detections, inside};
    for (const auto& [name, judge] : judges) {
      if (filtered) {
        body.attributes.push_back({name, kPreferredFiltered, 1.0f});
        continue;
      }
      ASSIGN_OR_RETURN(auto j, judge->Judge(ctx));
      body.attributes.push_back({name, j.label, std::clamp(j.confidence, 0.f, 1.f)});
    }
    bodies.push_back(std::move(body));
  }
  return bodies;
}

}  // namespace kanjian::vision
