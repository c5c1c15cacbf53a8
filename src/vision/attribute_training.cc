#include "vision/attribute_training.h"

#include <algorithm>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>

#include "common/error_codes.h"
#include "vision/models/attribute_classifier.h"
#include "vision/models/embedder.h"
#include "vision/models/face_detector.h"

namespace kanjian::vision {
namespace fs = std::filesystem;

Result<LabelledImages> ScanLabelledFolders(const std::string& dir, const std::string& attribute,
                                           size_t min_labels) {
  const auto& allowed = AttributeLabels(attribute);
  if (allowed.empty())
    return Status(errc::kInvalidParameterValue, "unknown attribute " + attribute);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status(errc::kNotFound, "image folder not found: " + dir);
  LabelledImages set;
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_directory()) continue;
    std::string name = e.path().filename().string();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string list;
      for (const auto& l : allowed) list += (list.empty() ? "" : ", ") + l;
      return Status(
          errc::kInvalidParameterValue,
          "folder " + e.path().string() + " is not a label of " + attribute + " (" + list + ")");
    }
    found.push_back(name);
  }
  for (const auto& l : allowed) {  // the API's order
    if (std::find(found.begin(), found.end(), l) == found.end()) continue;
    std::vector<std::string> files;
    for (const auto& f : fs::directory_iterator(fs::path(dir) / l)) {
      std::string ext = f.path().extension().string();
      std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
      if (ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp")
        files.push_back(f.path().string());
    }
    if (files.empty()) continue;
    std::sort(files.begin(), files.end());
    const int index = int(set.labels.size());
    set.labels.push_back(l);
    for (auto& f : files) set.images.push_back({std::move(f), index});
  }
  if (set.labels.size() < std::max<size_t>(1, min_labels))
    return Status(errc::kInvalidParameterValue, dir + " needs images in at least " +
                                                    std::to_string(min_labels) +
                                                    " label folders of " + attribute);
  return set;
}

Status EmbedLabelledImages(const LabelledImages& set, const ModelSet& models,
                           const YoloDetector* detector, const EmbedOptions& options,
                           std::vector<std::vector<float>>* x, std::vector<int>* y) {
  if (!models.embedder) return Status(errc::kInvalidParameterValue, "no embedder is configured");
  for (const auto& [path, label] : set.images) {
    cv::Mat image = cv::imread(path, cv::IMREAD_COLOR);
    if (image.empty()) return Status(errc::kImageDecodeFailed, "cannot read image " + path);
    cv::Rect body(0, 0, image.cols, image.rows);
    std::vector<Detection> dets;
    if (options.detect_person && detector) {
      ASSIGN_OR_RETURN(auto d, detector->Detect(image));
      dets = std::move(d);
      const Detection* best = nullptr;
      for (const Detection& det : dets)
        if (det.label == "person" && det.score >= 0.3f && (!best || det.score > best->score))
          best = &det;
      if (best) body = cv::Rect(best->box.x, best->box.y, best->box.width, best->box.height);
    }
    std::vector<Face> faces;
    if (options.region == "head" && models.face_detector) {
      ASSIGN_OR_RETURN(auto f, models.face_detector->Detect(image));
      faces = std::move(f);
    }
    BodyContext ctx{image, body, dets, faces};
    cv::Rect r = BodyRegion(ctx, options.region);
    if (r.area() <= 0) return Status(errc::kInternalError, "empty region in " + path);
    std::vector<cv::Mat> crops = {image(r)};
    if (options.flip_augment) {
      cv::Mat flipped;
      cv::flip(image(r), flipped, 1);
      crops.push_back(flipped);
    }
    ASSIGN_OR_RETURN(auto e, models.embedder->EmbedBatch(crops));
    for (auto& v : e) {
      x->push_back(std::move(v));
      y->push_back(label);
    }
  }
  return Status::Ok();
}

HeadEvaluation EvaluateHead(const AttributeHead& head, const std::vector<std::string>& labels,
                            const std::vector<std::vector<float>>& x, const std::vector<int>& y) {
  HeadEvaluation ev;
  ev.confusion.assign(labels.size(), std::vector<int>(head.labels.size(), 0));
  for (size_t i = 0; i < x.size(); ++i) {
    int p = head.Predict(x[i]);
    ++ev.confusion[y[i]][p];
    ++ev.total;
    ev.correct += head.labels[p] == labels[y[i]];
  }
  return ev;
}

}  // namespace kanjian::vision
