// The detector's input shape, in one run:
//   square  today's path: yolov5s.onnx, every photo letterboxed to 640x640,
//           the upload decoded on the pool worker;
//   stride  yolov5s_dyn.onnx, each photo letterboxed to a multiple of 32 of
//           its own aspect (1280x720 -> 640x384), the upload decoded on the
//           request thread while the workers infer (decode_ahead_max).
// For each: the raw detector on the decoded photo, then DetectPet and
// RecognizeCarPro through the real server (HTTP, TC3, accounts, metering) at
// each concurrency. One JSON line per measurement, then the ratios.
//
//   bench/input_shape_bench [--seconds N] [--pet-image PATH] [--car-image PATH]
//                           [--models DIR] [--concurrency 1,4] [--workers N]
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "bench_server.h"
#include "bench_support.h"
#include "common/crypto.h"
#include "vision/runtime/image_decode.h"
#include "vision/vision_engine.h"

namespace kanjian {
namespace {

using bench::Measure;
using bench::ReadFile;
using bench::Stats;

void Print(const std::string& name, const std::string& shape, int concurrency, const Stats& s) {
  std::printf(
      "{\"bench\":\"%s\",\"shape\":\"%s\",\"concurrency\":%d,\"calls\":%zu,\"failed\":%zu,"
      "\"images_per_s\":%.2f,\"p50_ms\":%.1f,\"p99_ms\":%.1f}\n",
      name.c_str(), shape.c_str(), concurrency, s.n, s.failed, s.images_per_s, s.p50_ms, s.p99_ms);
  std::fflush(stdout);
}

double LoadAverage() {
  double avg[1] = {0};
  return getloadavg(avg, 1) == 1 ? avg[0] : -1;
}

int Main(int argc, char** argv) {
  double seconds = 5;
  std::string pet_path = "/usr/share/darknet/data/dog.jpg";
  std::string car_path = std::string(KANJIAN_SOURCE_DIR) + "/tests/eval/images/car_0_blue.jpg";
  std::string models = std::string(std::getenv("HOME")) + "/.cache/kanjian/models";
  if (const char* m = std::getenv("KANJIAN_MODELS")) models = m;
  std::string concurrency_flag = "1,4";
  int workers = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--seconds") seconds = std::stod(value);
    if (flag == "--pet-image") pet_path = value;
    if (flag == "--car-image") car_path = value;
    if (flag == "--models") models = value;
    if (flag == "--concurrency") concurrency_flag = value;
    if (flag == "--workers") workers = std::stoi(value);
  }
  std::vector<int> concurrencies;
  std::stringstream cs(concurrency_flag);
  for (std::string c; std::getline(cs, c, ',');) concurrencies.push_back(std::stoi(c));
  spdlog::set_level(spdlog::level::warn);

  const std::map<std::string, std::string> images = {{"DetectPet", ReadFile(pet_path)},
                                                     {"RecognizeCarPro", ReadFile(car_path)}};
  std::printf(
      "{\"machine\":\"%u hardware threads\",\"load_average_1m\":%.2f,\"pet_image\":\"%s\","
      "\"car_image\":\"%s\",\"workers\":%d,\"seconds\":%.1f}\n",
      std::thread::hardware_concurrency(), LoadAverage(), pet_path.c_str(), car_path.c_str(),
      workers, seconds);

  bench::Tenant tenant("kanjian_input_shape_bench");
  // shape → action → concurrency
  std::map<std::string, std::map<std::string, std::map<int, Stats>>> e2e;
  for (const std::string shape : {"square", "stride"}) {
    vision::VisionConfig config;
    config.models_dir = models;
    config.workers = workers;
    if (shape == "square") {
      config.detector_file = "yolov5s.onnx";
      config.detector_letterbox = vision::Letterbox::kSquare;
      config.decode_ahead_max = 0;
    }
    auto engine = vision::VisionEngine::Load(config);
    if (!engine.ok()) {
      std::fprintf(stderr, "bench: %s\n", engine.status().ToString().c_str());
      return 1;
    }
    for (const auto& [action, bytes] : images) {
      auto mat = vision::DecodeImage(bytes, vision::ImageLimits{});
      if (!mat.ok()) return 1;
      const auto& detector = (*engine)->detector();
      Print("raw_detect_" + action + "_image", shape, 1,
            Measure(1, seconds / 2, [&] { return detector.Detect(*mat).ok(); }));
    }
    bench::BenchServer server(tenant, **engine, {"DetectPet", "RecognizeCarPro"});
    if (!server.ok()) return 1;
    for (const auto& [action, bytes] : images) {
      const std::string body = "{\"ImageBase64\":\"" + crypto::Base64Encode(bytes) + "\"}";
      auto call = [&, action = action] {
        auto res = server.Call(action, body);
        return res && res->status == 200 && res->body.find("\"Error\"") == std::string::npos;
      };
      (void)Measure(1, 0.5, call);  // warm-up: first runs allocate ORT's arenas
      for (int c : concurrencies) {
        e2e[shape][action][c] = Measure(c, seconds, call);
        Print("server_" + action, shape, c, e2e[shape][action][c]);
      }
    }
  }

  // Targets: stride ≥ 1.25× square throughput at c4; RecognizeCarPro
  // p50 ≤ 150 ms on a 1280x720 photo.
  std::printf("{\"summary\":true,\"load_average_1m\":%.2f", LoadAverage());
  for (const std::string action : {"DetectPet", "RecognizeCarPro"}) {
    std::printf(",\"%s\":{", action.c_str());
    bool first = true;
    for (int c : concurrencies) {
      const Stats& sq = e2e["square"][action][c];
      const Stats& st = e2e["stride"][action][c];
      std::printf(
          "%s\"stride_over_square_c%d\":%.3f,\"p50_c%d_ms\":{\"square\":%.1f,\"stride\":%.1f}",
          first ? "" : ",", c, st.images_per_s / std::max(1e-9, sq.images_per_s), c, sq.p50_ms,
          st.p50_ms);
      first = false;
    }
    std::printf("}");
  }
  std::printf("}\n");
  return 0;
}

}  // namespace
}  // namespace kanjian

int main(int argc, char** argv) {
  return kanjian::Main(argc, argv);
}
