#include "vision/runtime/onnx_session.h"

#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "common/error_codes.h"

namespace kanjian::vision {

// ONNX Runtime sends usage telemetry to Microsoft by default (it resolves
// mobile.events.data.microsoft.com at start-up). A self-hosted server must
// not phone home: the variable keeps the telemetry from starting, the call
// switches off whatever an older library started anyway.
Ort::Env& OrtEnv() {
  static Ort::Env* env = [] {
    // The first model load comes before the server or a command starts
    // any thread that could read the environment meanwhile.
    setenv("ORT_DISABLE_TELEMETRY", "1", /*overwrite=*/0);  // NOLINT(concurrency-mt-unsafe)
    auto* created = new Ort::Env(ORT_LOGGING_LEVEL_WARNING, "kanjian");  // never freed
    created->DisableTelemetryEvents();
    return created;
  }();
  return *env;
}

Result<std::unique_ptr<Ort::Session>> OpenOnnxSession(const std::string& path, int threads,
                                                      std::string_view what, bool allow_spinning) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return Status(errc::kNotFound, std::string(what) + " model not found: " + path +
                                       " (scripts/fetch_models.sh installs the bundled models)");
  try {
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(std::max(1, threads));
    options.SetInterOpNumThreads(1);
    options.SetExecutionMode(ORT_SEQUENTIAL);
    options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    options.AddConfigEntry("session.intra_op.allow_spinning", allow_spinning ? "1" : "0");
    return std::make_unique<Ort::Session>(OrtEnv(), path.c_str(), options);
  } catch (const Ort::Exception& e) {
    return Status(errc::kInternalError,
                  "cannot load " + std::string(what) + " model " + path + ": " + e.what());
  }
}

}  // namespace kanjian::vision
