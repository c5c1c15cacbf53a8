// Every ONNX model here runs the same way: one process-wide ONNX Runtime
// environment, CPU sessions with sequential execution, `threads` intra-op
// threads and no spinning between runs (spinning threads starve the other
// workers on a small machine).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace Ort {
struct Env;
struct Session;
}  // namespace Ort

namespace kanjian::vision {

Ort::Env& OrtEnv();

// Errors name the file: kNotFound if missing, kInternalError if ORT rejects it.
Result<std::unique_ptr<Ort::Session>> OpenOnnxSession(const std::string& path, int threads,
                                                      std::string_view what,
                                                      bool allow_spinning = false);

}  // namespace kanjian::vision
