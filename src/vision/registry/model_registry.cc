#include "vision/registry/model_registry.h"

#include <utility>

#include "common/error_codes.h"

namespace kanjian::vision {

ModelRegistry::ModelRegistry(std::string config_file, std::string models_dir, int threads,
                             std::vector<std::string> required_tasks, ExtraModelDirs extra,
                             std::shared_ptr<const ModelSet> set)
    : config_file_(std::move(config_file)),
      models_dir_(std::move(models_dir)),
      intra_op_threads_(threads),
      required_tasks_(std::move(required_tasks)),
      extra_(std::move(extra)),
      current_(std::move(set)) {}

Result<std::shared_ptr<const ModelSet>> ModelRegistry::LoadFromFile(
    const std::string& config_file, const std::string& models_dir, int threads,
    const std::vector<std::string>& required_tasks, const ExtraModelDirs& extra) {
  ASSIGN_OR_RETURN(auto config, LoadModelsConfig(config_file, models_dir));
  for (const std::string& task : required_tasks) {
    if (!config.Find(task))
      return Status(errc::kInvalidConfiguration, ModelsConfigWhere(config.source, "task " + task) +
                                                     ": required by the server, not configured");
  }
  return LoadModelSet(std::move(config), threads, extra);
}

Result<std::unique_ptr<ModelRegistry>> ModelRegistry::Load(std::string config_file,
                                                           std::string models_dir, int threads,
                                                           std::vector<std::string> required_tasks,
                                                           ExtraModelDirs extra) {
  ASSIGN_OR_RETURN(auto set, LoadFromFile(config_file, models_dir, threads, required_tasks, extra));
  return std::unique_ptr<ModelRegistry>(
      new ModelRegistry(std::move(config_file), std::move(models_dir), threads,
                        std::move(required_tasks), std::move(extra), std::move(set)));
}

std::shared_ptr<const ModelSet> ModelRegistry::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

Status ModelRegistry::Reload() {
  std::lock_guard<std::mutex> reload(reload_mu_);
  // Everything loads before anything is installed: a failure changes nothing.
  ASSIGN_OR_RETURN(auto set, LoadFromFile(config_file_, models_dir_, intra_op_threads_,
                                          required_tasks_, extra_));
  Swap(std::move(set));
  return Status::Ok();
}

void ModelRegistry::Swap(std::shared_ptr<const ModelSet> set) {
  std::shared_ptr<const ModelSet> old;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = std::move(current_);
    current_ = std::move(set);
  }
  // `old` is freed here, outside the lock, unless a request still holds it.
}

}  // namespace kanjian::vision
