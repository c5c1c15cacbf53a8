// Vision throughput in one run: the raw ONNX Runtime detector (baseline)
// against the whole server path (HTTP, TC3, account checks, decode, pool,
// metering) for each action that has a handler, at several concurrencies,
// with micro-batching off and on. One JSON line per measurement, then a
// summary with the ratios the targets are set on.
//
//   bench/vision_bench [--seconds N] [--image PATH] [--models DIR]
//                      [--actions A,B] [--concurrency 1,4,16]
//                      [--workers N] [--batch-max N] [--batch-window-ms M]
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "bench_server.h"
#include "bench_support.h"
#include "common/crypto.h"
#include "protocol/actions.h"
#include "server/handlers/handlers.h"
#include "vision/runtime/image_decode.h"
#include "vision/vision_engine.h"

namespace kanjian {
namespace {

using bench::Measure;
using bench::ReadFile;
using bench::Stats;
using bench::Steady;

void Print(const std::string& name, const std::string& mode, int concurrency, const Stats& s) {
  std::printf(
      "{\"bench\":\"%s\",\"batching\":\"%s\",\"concurrency\":%d,\"calls\":%zu,\"failed\":%zu,"
      "\"images_per_s\":%.2f,\"p50_ms\":%.1f,\"p99_ms\":%.1f}\n",
      name.c_str(), mode.c_str(), concurrency, s.n, s.failed, s.images_per_s, s.p50_ms, s.p99_ms);
  std::fflush(stdout);
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

int Main(int argc, char** argv) {
  double seconds = 3;
  std::string image_path = "/usr/share/darknet/data/dog.jpg";
  std::string models = std::string(std::getenv("HOME")) + "/.cache/kanjian/models";
  if (const char* m = std::getenv("KANJIAN_MODELS")) models = m;
  std::string actions_flag = "DetectPet,DetectProduct,DetectProductBeta";
  std::string concurrency_flag = "1,4,16";
  int workers = 2, batch_max = 4, batch_window_ms = 0, intra_op_threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--seconds") seconds = std::stod(value);
    if (flag == "--image") image_path = value;
    if (flag == "--models") models = value;
    if (flag == "--actions") actions_flag = value;
    if (flag == "--concurrency") concurrency_flag = value;
    if (flag == "--workers") workers = std::stoi(value);
    if (flag == "--intra-op-threads") intra_op_threads = std::stoi(value);
    if (flag == "--batch-max") batch_max = std::stoi(value);
    if (flag == "--batch-window-ms") batch_window_ms = std::stoi(value);
  }
  std::vector<int> concurrencies;
  for (const auto& c : Split(concurrency_flag)) concurrencies.push_back(std::stoi(c));
  std::vector<std::string> actions;
  for (const auto& a : Split(actions_flag))
    if (protocol::FindAction(a)) actions.push_back(a);

  const std::string image = ReadFile(image_path);
  spdlog::set_level(spdlog::level::warn);
  vision::VisionConfig base;
  base.models_dir = models;
  base.workers = workers;
  base.intra_op_threads = intra_op_threads;
  auto raw_engine = vision::VisionEngine::Load(base);
  if (!raw_engine.ok()) {
    std::fprintf(stderr, "bench: %s\n", raw_engine.status().ToString().c_str());
    return 1;
  }
  auto mat = vision::DecodeImage(image, vision::ImageLimits{});
  std::printf(
      "{\"machine\":\"%u hardware threads\",\"image\":\"%s\",\"width\":%d,\"height\":%d,"
      "\"workers\":%d,\"batch_max\":%d,\"batch_window_ms\":%d,\"seconds\":%.1f}\n",
      std::thread::hardware_concurrency(), image_path.c_str(), mat->cols, mat->rows, workers,
      batch_max, batch_window_ms, seconds);

  // Baselines: the detector alone, one image per Run and batch_max images per Run.
  const auto& detector = (*raw_engine)->detector();
  std::map<int, Stats> raw;
  for (int c : std::set<int>{1, workers}) {  // once when workers is 1
    raw[c] = Measure(c, seconds, [&] { return detector.Detect(*mat).ok(); });
    Print("raw_ort_detect", "off", c, raw[c]);
  }
  // What the server adds before the detector: decoding the upload (one thread).
  Print("decode_image", "off", 1, Measure(1, seconds / 2, [&] {
          return vision::DecodeImage(image, vision::ImageLimits{}).ok();
        }));
  const std::vector<cv::Mat> batch(batch_max, *mat);
  Stats raw_batch = Measure(workers, seconds, [&] { return detector.DetectBatch(batch).ok(); });
  raw_batch.images_per_s *= batch_max;
  Print("raw_ort_detect_batch" + std::to_string(batch_max), "on", workers, raw_batch);
  raw_engine->reset();

  bench::Tenant tenant("kanjian_vision_bench");
  const std::string body = "{\"ImageBase64\":\"" + crypto::Base64Encode(image) + "\"}";

  std::map<std::string, std::map<std::string, std::map<int, Stats>>> e2e;  // mode → action → c
  for (const std::string mode : {"off", "on"}) {
    vision::VisionConfig config = base;
    if (mode == "on") {
      config.batch_max = batch_max;
      config.batch_window_ms = batch_window_ms;
    }
    auto engine = vision::VisionEngine::Load(config);
    if (!engine.ok()) return 1;
    bench::BenchServer server(tenant, **engine, actions, /*http_threads=*/32);
    if (!server.ok()) return 1;
    for (const auto& action : actions) {
      auto call = [&] {
        auto res = server.Call(action, body);
        return res && res->status == 200 && res->body.find("\"Error\"") == std::string::npos;
      };
      for (int c : concurrencies) {
        e2e[mode][action][c] = Measure(c, seconds, call);
        Print("server_" + action, mode, c, e2e[mode][action][c]);
      }
    }
    if (const auto* b = (*engine)->batcher())
      std::printf("{\"batcher\":true,\"batches\":%llu,\"images\":%llu,\"mean_batch\":%.2f}\n",
                  (unsigned long long)b->batches_run(), (unsigned long long)b->images_run(),
                  b->batches_run() ? double(b->images_run()) / b->batches_run() : 0.0);
  }

  // Targets: e2e c1 ≥ 0.9× raw c1; batching ≥ 1.3× throughput at the highest
  // concurrency.
  const int cmax = concurrencies.back();
  std::printf("{\"summary\":true,\"raw_c1_images_per_s\":%.2f", raw[1].images_per_s);
  if (workers != 1)
    std::printf(",\"raw_c%d_images_per_s\":%.2f", workers, raw[workers].images_per_s);
  std::printf(",\"raw_batch_over_raw\":%.3f", raw_batch.images_per_s / raw[workers].images_per_s);
  for (const auto& a : actions) {
    const double c1 = e2e["off"][a].count(1) ? e2e["off"][a][1].images_per_s : 0;
    std::printf(
        ",\"%s\":{\"e2e_c1_over_raw_c1\":%.3f,\"batch_on_over_off_c%d\":%.3f,"
        "\"p50_c1_ms\":%.1f}",
        a.c_str(), c1 / raw[1].images_per_s, cmax,
        e2e["on"][a][cmax].images_per_s / std::max(1e-9, e2e["off"][a][cmax].images_per_s),
        e2e["off"][a].count(1) ? e2e["off"][a][1].p50_ms : 0.0);
  }
  std::printf("}\n");
  return 0;
}

}  // namespace
}  // namespace kanjian

int main(int argc, char** argv) {
  return kanjian::Main(argc, argv);
}
