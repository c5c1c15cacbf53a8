// Which model set a node runs, as one value: nodes with the same models
// config and the same files report the same hash on /healthz, so a rolling
// reload (scripts/cluster.sh reload) can wait for a node to run the new set.
#pragma once

#include <string>

#include "common/status.h"
#include "vision/registry/model_set.h"
#include "vision/registry/models_config.h"

namespace kanjian::vision {

// Hex SHA-256 over each task's and attribute's config entry and the bytes of
// its file, and every file under the OCR and product gallery directories.
// Content, not paths or times: the same files copied to another machine hash
// the same, a model replaced in place hashes differently. A file that cannot
// be read is an error naming it.
Result<std::string> ModelSetHash(const ModelsConfig& config, const ExtraModelDirs& extra);

}  // namespace kanjian::vision
