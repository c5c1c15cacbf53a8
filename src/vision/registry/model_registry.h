// The model registry: holds the current ModelSet (model_set.h) and swaps
// it on Reload(): a new set is built from the config file, then a
// shared_ptr is swapped, so in-flight requests keep the old one.
//
//   models_config.h  parsed + validated configuration (no models loaded)
//   model_set.h      the models loaded from one configuration, immutable
//   model_registry.h this file: the current set and its hot swap
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "vision/registry/model_set.h"
#include "vision/registry/models_config.h"

namespace kanjian::vision {

// Thread-safe holder of the current ModelSet.
class ModelRegistry {
 public:
  // `required_tasks` must be configured, at start and in every reload (the
  // server requires "object_detector"); a config that drops one is refused.
  // `extra` (OCR, product gallery) is loaded into every set, re-read from
  // its directories on each reload.
  static Result<std::unique_ptr<ModelRegistry>> Load(std::string config_file,
                                                     std::string models_dir,
                                                     int intra_op_threads = 1,
                                                     std::vector<std::string> required_tasks = {},
                                                     ExtraModelDirs extra = {});
  // The current models; a request keeps its snapshot until it finishes.
  std::shared_ptr<const ModelSet> Snapshot() const;
  // Re-reads the config file and reloads every model, the OCR models and the
  // gallery directory (gallery.json and its photos) included; on any error
  // (config unreadable or invalid, a model file missing or refused by ONNX
  // Runtime, a gallery photo unreadable: the message names the file) the
  // old set stays in service and the error is returned. Reloads run one at
  // a time; requests are never blocked by one, only the final pointer swap
  // takes mu_.
  Status Reload();
  // Installs a set built elsewhere (tests).
  void Swap(std::shared_ptr<const ModelSet> set);
  const std::string& config_file() const { return config_file_; }

 private:
  ModelRegistry(std::string config_file, std::string models_dir, int threads,
                std::vector<std::string> required_tasks, ExtraModelDirs extra,
                std::shared_ptr<const ModelSet> set);

  // Reads the config file and loads its models and `extra`; installs nothing.
  static Result<std::shared_ptr<const ModelSet>> LoadFromFile(
      const std::string& config_file, const std::string& models_dir, int threads,
      const std::vector<std::string>& required_tasks, const ExtraModelDirs& extra);

  // Constant after construction.
  const std::string config_file_;
  const std::string models_dir_;
  const int intra_op_threads_;
  const std::vector<std::string> required_tasks_;
  const ExtraModelDirs extra_;
  std::mutex reload_mu_;  // one Reload at a time
  mutable std::mutex mu_;
  std::shared_ptr<const ModelSet> current_;  // guarded by mu_
};

}  // namespace kanjian::vision
