// kanjian model eval-attribute NAME --images DIR [--no-detect]
//   accuracy of the configured classifier (builtin/onnx/head) on DIR/<label>/.
// kanjian model check [--models DIR] [--models-config FILE]
//   loads every configured model, as `serve` would, and lists them.
// kanjian model train-attribute NAME --images DIR --output FILE
//     [--region full|head|upper|lower] [--eval DIR] [--flip] [--no-detect]
//     [--models DIR] [--models-config FILE]
//   fits a few-shot head (vision/models/attribute_head.h) on embeddings of the body
//   region of each photo in DIR/<label>/, saves it as JSON and, with --eval,
//   reports its accuracy on held-out photos laid out the same way. Point the
//   models config at it: "attributes": {NAME: {"method":"head","file":FILE}}.
// kanjian model calibrate --task TASK --model FILE --output RANGES IMAGE...
//   min/max of every float output of FILE over the photos, each photo made
//   into a tensor as the configured TASK's input (scripts/int8/: the step of
//   INT8 quantization that runs the model; docs/developers/int8.md).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "cli/commands.h"
#include "common/error_codes.h"
#include "vision/attribute_training.h"
#include "vision/models/attribute_classifier.h"
#include "vision/models/embedder.h"
#include "vision/models/face_detector.h"
#include "vision/models/yolo_detector.h"
#include "vision/quantize/calibration.h"
#include "vision/registry/model_registry.h"

namespace kanjian::cli {
namespace {

struct ModelFlags {
  std::string models, models_config;
};

std::string ModelsDir(const ModelFlags& f) {
  return f.models.empty() ? DefaultModelsDir() : f.models;
}

struct TrainFlags {
  std::string attribute, images, output, region = "full", eval;
  bool flip = false, no_detect = false;
};

nlohmann::json Confusion(const vision::HeadEvaluation& ev) {
  return ev.confusion;
}

int Train(Context& ctx, const ModelFlags& mf, const TrainFlags& f) {
  auto set = vision::ScanLabelledFolders(f.images, f.attribute);
  if (!set.ok()) return ctx.Fail(set.status());
  auto config = vision::LoadModelsConfig(mf.models_config, ModelsDir(mf));
  if (!config.ok()) return ctx.Fail(config.status());
  std::unique_ptr<vision::YoloDetector> detector;
  if (!f.no_detect) {
    const vision::ModelSpec* od = config->Find("object_detector");
    if (!od) return ctx.Fail(Status(errc::kInvalidConfiguration, "no object_detector configured"));
    vision::DetectorConfig dc;
    dc.model_path = od->path;
    dc.input_size = od->input.width;
    auto d = vision::YoloDetector::Load(dc);
    if (!d.ok()) return ctx.Fail(d.status());
    detector = std::move(d.value());
  }
  config->attributes.clear();  // only the embedder and faces are needed
  auto models = vision::LoadModelSet(std::move(config.value()), 1);
  if (!models.ok()) return ctx.Fail(models.status());
  vision::EmbedOptions eo;
  eo.region = f.region;
  eo.detect_person = !f.no_detect;
  eo.flip_augment = f.flip;
  std::vector<std::vector<float>> x;
  std::vector<int> y;
  if (Status s = vision::EmbedLabelledImages(*set, **models, detector.get(), eo, &x, &y); !s.ok())
    return ctx.Fail(s);
  auto head = vision::FitAttributeHead(f.attribute, set->labels, x, y, {});
  if (!head.ok()) return ctx.Fail(head.status());
  head->region = f.region;
  head->embedder = std::filesystem::path((*models)->config.Find("embedder")->path).filename();
  head->training["images"] = set->images.size();
  head->training["flip_augment"] = f.flip;
  nlohmann::json out = {{"Attribute", f.attribute},
                        {"Labels", set->labels},
                        {"Images", set->images.size()},
                        {"TrainAccuracy", head->training["train_accuracy"]}};
  std::string text = "trained " + f.attribute + " on " + std::to_string(set->images.size()) +
                     " images, train accuracy " +
                     std::to_string(head->training["train_accuracy"].get<double>());
  if (!f.eval.empty()) {
    auto held = vision::ScanLabelledFolders(f.eval, f.attribute);
    if (!held.ok()) return ctx.Fail(held.status());
    std::vector<std::vector<float>> hx;
    std::vector<int> hy;
    eo.flip_augment = false;
    if (Status s = vision::EmbedLabelledImages(*held, **models, detector.get(), eo, &hx, &hy);
        !s.ok())
      return ctx.Fail(s);
    auto ev = vision::EvaluateHead(*head, held->labels, hx, hy);
    head->training["holdout"] = {{"images", ev.total},
                                 {"accuracy", ev.accuracy()},
                                 {"labels", held->labels},
                                 {"confusion", Confusion(ev)}};
    out["HoldoutImages"] = ev.total;
    out["HoldoutAccuracy"] = ev.accuracy();
    out["Confusion"] = Confusion(ev);
    text += ", held-out accuracy " + std::to_string(ev.accuracy()) + " on " +
            std::to_string(ev.total) + " images";
  }
  if (Status s = head->SaveFile(f.output); !s.ok()) return ctx.Fail(s);
  out["Output"] = f.output;
  return ctx.Print(out, text + "\nwrote " + f.output);
}

// Judges every photo of DIR/<label>/ with the classifier the models config
// names for the attribute (builtin, onnx or head) and reports accuracy.
int Evaluate(Context& ctx, const ModelFlags& mf, const TrainFlags& f) {
  auto set = vision::ScanLabelledFolders(f.images, f.attribute, /*min_labels=*/1);
  if (!set.ok()) return ctx.Fail(set.status());
  auto registry = vision::ModelRegistry::Load(mf.models_config, ModelsDir(mf));
  if (!registry.ok()) return ctx.Fail(registry.status());
  auto models = (*registry)->Snapshot();
  auto judge = models->attributes.find(f.attribute);
  if (judge == models->attributes.end())
    return ctx.Fail(Status(errc::kInvalidParameterValue,
                           f.attribute + " has no classifier in " + models->config.source));
  std::unique_ptr<vision::YoloDetector> detector;
  if (!f.no_detect) {
    vision::DetectorConfig dc;
    dc.model_path = models->config.Find("object_detector")->path;
    auto d = vision::YoloDetector::Load(dc);
    if (!d.ok()) return ctx.Fail(d.status());
    detector = std::move(d.value());
  }
  const auto& api_labels = vision::AttributeLabels(f.attribute);
  std::vector<std::vector<int>> confusion(set->labels.size(),
                                          std::vector<int>(api_labels.size(), 0));
  int total = 0, correct = 0;
  nlohmann::json misjudged = nlohmann::json::array();  // so an operator can look at them
  for (const auto& [path, label] : set->images) {
    cv::Mat image = cv::imread(path, cv::IMREAD_COLOR);
    if (image.empty()) return ctx.Fail(Status(errc::kImageDecodeFailed, "cannot read " + path));
    std::vector<vision::Detection> dets;
    cv::Rect body(0, 0, image.cols, image.rows);
    if (detector) {
      auto d = detector->Detect(image);
      if (!d.ok()) return ctx.Fail(d.status());
      dets = std::move(d.value());
      const vision::Detection* best = nullptr;
      for (const auto& det : dets)
        if (det.label == "person" && det.score >= 0.3f && (!best || det.score > best->score))
          best = &det;
      if (best) body = cv::Rect(best->box.x, best->box.y, best->box.width, best->box.height);
    }
    std::vector<vision::Face> faces;
    if (models->face_detector) {
      auto fc = models->face_detector->Detect(image);
      if (fc.ok()) faces = std::move(fc.value());
    }
    auto j = judge->second->Judge(vision::BodyContext{image, body, dets, faces});
    if (!j.ok()) return ctx.Fail(j.status());
    int p = int(std::find(api_labels.begin(), api_labels.end(), j->label) - api_labels.begin());
    if (p < int(api_labels.size())) ++confusion[label][p];
    ++total;
    if (j->label == set->labels[label])
      ++correct;
    else
      misjudged.push_back({{"File", path}, {"Label", set->labels[label]}, {"Judged", j->label}});
  }
  double acc = total ? double(correct) / total : 0;
  return ctx.Print({{"Attribute", f.attribute},
                    {"Classifier", models->config.attributes.at(f.attribute).method},
                    {"Images", total},
                    {"Accuracy", acc},
                    {"Labels", set->labels},
                    {"PredictedLabels", api_labels},
                    {"Confusion", confusion},
                    {"Misjudged", misjudged}},
                   f.attribute + ": accuracy " + std::to_string(acc) + " on " +
                       std::to_string(total) + " images");
}

int Check(Context& ctx, const ModelFlags& mf) {
  auto registry = vision::ModelRegistry::Load(mf.models_config, ModelsDir(mf));
  if (!registry.ok()) return ctx.Fail(registry.status());
  auto set = (*registry)->Snapshot();
  nlohmann::json tasks = nlohmann::json::object(), attributes = nlohmann::json::object();
  std::string text = "models config " + set->config.source + ": OK\n";
  for (const auto& [task, spec] : set->config.tasks) {
    tasks[task] = spec.path;
    text += "  " + task + "  " + spec.path + "\n";
  }
  for (const auto& [name, spec] : set->config.attributes) {
    std::string how =
        spec.method == "builtin" ? "builtin " + spec.builtin : spec.method + " " + spec.model.path;
    attributes[name] = how;
    text += "  " + name + "  " + how + "\n";
  }
  return ctx.Print({{"Source", set->config.source}, {"Tasks", tasks}, {"Attributes", attributes}},
                   text);
}

struct CalibrateFlags {
  std::string task, model, output;
  std::vector<std::string> images;
};

int Calibrate(Context& ctx, const ModelFlags& mf, const CalibrateFlags& f) {
  auto config = vision::LoadModelsConfig(mf.models_config, ModelsDir(mf));
  if (!config.ok()) return ctx.Fail(config.status());
  const vision::ModelSpec* spec = config->Find(f.task);
  if (!spec)
    return ctx.Fail(Status(errc::kInvalidParameterValue,
                           "task " + f.task + " is not in models config " + config->source));
  vision::CalibrationInput in;
  in.model_path = f.model;
  in.spec = spec->input;
  in.stride_letterbox = spec->raw.value("letterbox", "square") == "stride";
  in.images = f.images;
  auto ranges = vision::CalibrateRanges(in);
  if (!ranges.ok()) return ctx.Fail(ranges.status());
  nlohmann::json r = nlohmann::json::object();
  for (const auto& [name, range] : *ranges) r[name] = {range.min, range.max};
  nlohmann::json doc = {{"task", f.task}, {"images", f.images.size()}, {"ranges", r}};
  std::ofstream out(f.output, std::ios::binary | std::ios::trunc);
  out << doc.dump(1) << "\n";
  if (!out.flush()) return ctx.Fail(Status(errc::kInternalError, "cannot write " + f.output));
  return ctx.Print({{"Output", f.output}, {"Tensors", ranges->size()}, {"Images", f.images.size()}},
                   "calibrated " + std::to_string(ranges->size()) + " tensors on " +
                       std::to_string(f.images.size()) + " photos: " + f.output);
}

}  // namespace

void AddModelCommands(CLI::App& app, Context& ctx, int* rc) {
  // Owned by the callbacks (so by the app), fresh for every parse.
  auto mf = std::make_shared<ModelFlags>();
  auto tf = std::make_shared<TrainFlags>();
  auto* model =
      app.add_subcommand("model", "model registry: check the config, train attribute heads");
  model->require_subcommand(1);
  model->add_option("--models", mf->models,
                    "model directory (default $KANJIAN_MODELS or ~/.cache/kanjian/models)");
  model->add_option("--models-config", mf->models_config,
                    "models config JSON (default: bundled set)");

  auto* check = model->add_subcommand("check", "load every configured model and list them");
  check->callback([&ctx, rc, mf] { *rc = Check(ctx, *mf); });

  auto* train =
      model->add_subcommand("train-attribute", "fit a few-shot attribute head on labelled photos");
  train->add_option("NAME", tf->attribute, "attribute, e.g. 反光衣识别")->required();
  train->add_option("--images", tf->images, "DIR with one sub-folder per label")->required();
  train->add_option("--output", tf->output, "head JSON to write")->required();
  train->add_option("--region", tf->region, "full, head, upper or lower")
      ->check(CLI::IsMember({"full", "head", "upper", "lower"}))
      ->capture_default_str();
  train->add_option("--eval", tf->eval, "held-out DIR, same layout: report accuracy");
  train->add_flag("--flip", tf->flip, "augment: also train on mirrored crops");
  train->add_flag("--no-detect", tf->no_detect, "photos are already crops: skip person detection");
  train->callback([&ctx, rc, mf, tf] { *rc = Train(ctx, *mf, *tf); });

  auto ef = std::make_shared<TrainFlags>();
  auto* eval = model->add_subcommand(
      "eval-attribute", "accuracy of the configured classifier of an attribute on labelled photos");
  eval->add_option("NAME", ef->attribute, "attribute, e.g. 反光衣识别")->required();
  eval->add_option("--images", ef->images, "DIR with one sub-folder per label")->required();
  eval->add_flag("--no-detect", ef->no_detect, "photos are already crops: skip person detection");
  eval->callback([&ctx, rc, mf, ef] { *rc = Evaluate(ctx, *mf, *ef); });

  auto cf = std::make_shared<CalibrateFlags>();
  auto* calibrate = model->add_subcommand(
      "calibrate", "activation ranges of a model over photos, for INT8 quantization");
  calibrate->add_option("--task", cf->task, "configured task whose input the photos become")
      ->required();
  calibrate->add_option("--model", cf->model, "ONNX file to run (every float output is measured)")
      ->required();
  calibrate->add_option("--output", cf->output, "ranges JSON to write")->required();
  calibrate->add_option("IMAGE", cf->images, "calibration photos")->required();
  calibrate->callback([&ctx, rc, mf, cf] { *rc = Calibrate(ctx, *mf, *cf); });
}

}  // namespace kanjian::cli
