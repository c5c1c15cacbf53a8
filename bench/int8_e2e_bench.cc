// DetectPet, RecognizeCarPro and DetectSecurity through the real server
// (HTTP, TC3, accounts, decode, pool, metering) with the FP32 models against
// the INT8 ones, in one process: two engines, each on its own models config
// (tests/eval/models_precision_{fp32,int8}.json), measured in alternating
// rounds (the order flips every round) at each concurrency, so that load
// from other processes falls on both. Prints the CPU, its int8 flags and the
// load average, then per action and concurrency the images/s of each and
// the INT8/FP32 ratio per round (median, min, max).
//
//   bench/int8_e2e_bench [--seconds N] [--rounds N] [--concurrency 1,4] [--models DIR]
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "bench_server.h"
#include "bench_support.h"
#include "common/crypto.h"
#include "machine_info.h"
#include "vision/registry/model_registry.h"
#include "vision/vision_engine.h"

namespace kanjian {
namespace {

using bench::Measure;
using bench::ReadFile;

using kanjian::bench::CpuLine;
using kanjian::bench::LoadAverage;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

Result<std::unique_ptr<vision::VisionEngine>> Engine(const std::string& config,
                                                     const std::string& models) {
  vision::VisionConfig vc;
  vc.models_dir = models;
  vision::ExtraModelDirs extra;
  extra.ocr_dir = models + "/" + vc.ocr_subdir;
  auto registry =
      vision::ModelRegistry::Load(config, models, vc.intra_op_threads, {"object_detector"}, extra);
  if (!registry.ok()) return registry.status();
  vc.registry = std::move(registry.value());
  return vision::VisionEngine::Load(vc);
}

int Main(int argc, char** argv) {
  double seconds = 3;
  int rounds = 3;
  std::string concurrency_flag = "1,4";
  std::string models = std::string(std::getenv("HOME")) + "/.cache/kanjian/models";
  if (const char* m = std::getenv("KANJIAN_MODELS")) models = m;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--seconds") seconds = std::stod(value);
    if (flag == "--rounds") rounds = std::stoi(value);
    if (flag == "--concurrency") concurrency_flag = value;
    if (flag == "--models") models = value;
  }
  std::vector<int> concurrencies;
  std::stringstream cs(concurrency_flag);
  for (std::string c; std::getline(cs, c, ',');) concurrencies.push_back(std::stoi(c));
  const std::string eval = std::string(KANJIAN_SOURCE_DIR) + "/tests/eval/";
  const std::map<std::string, std::string> photos = {
      {"DetectPet", "/usr/share/darknet/data/dog.jpg"},
      {"RecognizeCarPro", eval + "images/car_0_blue.jpg"},
      {"DetectSecurity", "/usr/share/darknet/data/person.jpg"},
  };
  spdlog::set_level(spdlog::level::warn);
  auto fp32 = Engine(eval + "models_precision_fp32.json", models);
  auto int8 = Engine(eval + "models_precision_int8.json", models);
  if (!fp32.ok() || !int8.ok()) {
    std::fprintf(stderr, "bench: %s\n",
                 (fp32.ok() ? int8.status() : fp32.status()).ToString().c_str());
    return 1;
  }
  std::printf("cpu: %s\nload average: %s\nserver path, %d rounds of %.1f s per side\n",
              CpuLine().c_str(), LoadAverage().c_str(), rounds, seconds);
  std::vector<std::string> actions;
  for (const auto& [a, _] : photos) actions.push_back(a);
  bench::Tenant tenant("kanjian_int8_e2e_bench");
  bench::BenchServer a_server(tenant, **fp32, actions, /*http_threads=*/32);
  bench::BenchServer b_server(tenant, **int8, actions, /*http_threads=*/32);
  if (!a_server.ok() || !b_server.ok()) return 1;
  for (const auto& [action, photo] : photos) {
    const std::string body = "{\"ImageBase64\":\"" + crypto::Base64Encode(ReadFile(photo)) + "\"}";
    auto call = [&](bench::BenchServer& s) {
      auto res = s.Call(action, body);
      return res && res->status == 200 && res->body.find("\"Error\"") == std::string::npos;
    };
    for (int c : concurrencies) {
      std::vector<double> a_ips, b_ips, ratio;
      size_t failed = 0;
      for (int r = 0; r < rounds; ++r) {
        bench::Stats a, b;
        if (r % 2 == 0) {
          a = Measure(c, seconds, [&] { return call(a_server); });
          b = Measure(c, seconds, [&] { return call(b_server); });
        } else {
          b = Measure(c, seconds, [&] { return call(b_server); });
          a = Measure(c, seconds, [&] { return call(a_server); });
        }
        failed += a.failed + b.failed;
        a_ips.push_back(a.images_per_s);
        b_ips.push_back(b.images_per_s);
        ratio.push_back(b.images_per_s / std::max(1e-9, a.images_per_s));
      }
      std::printf(
          "%s c%d: FP32 %.2f images/s, INT8 %.2f images/s (medians); INT8/FP32 median %.2fx, "
          "min %.2fx, max %.2fx; failed %zu; load average %s\n",
          action.c_str(), c, Median(a_ips), Median(b_ips), Median(ratio),
          *std::min_element(ratio.begin(), ratio.end()),
          *std::max_element(ratio.begin(), ratio.end()), failed, LoadAverage().c_str());
      std::fflush(stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace kanjian

int main(int argc, char** argv) {
  return kanjian::Main(argc, argv);
}
