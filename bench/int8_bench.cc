// The INT8 detector against the FP32 one it was made from, in one process:
//   agreement  FP32's boxes (score >= 0.25 after NMS) found again by INT8
//              (same class, IoU >= 0.5) on held-out photos: recall overall
//              and of FP32's boxes at score >= 0.5, precision (INT8 boxes
//              that match an FP32 box), mean IoU of the matches;
//   speed      images/s at 1 and 2 intra-op threads, FP32 and INT8 runs
//              alternating round by round (the order flips every round) so
//              that load from other processes falls on both; the ratio is
//              reported per round (median, min, max) with the load average.
//              Beside it, the process's CPU time per image and its ratio:
//              on a machine shared with other work the wall clock counts
//              the time the process waited for a core, the CPU time does
//              not (at 1 thread it is the inference's own time).
// Every output starts with the CPU model and the instruction sets ONNX
// Runtime's int8 kernels use, since the gain depends on them.
//
//   int8_bench [--models DIR] [--square] [--photos DIR]... [--rounds N]
//              [--runs N] [--no-speed] [--no-agreement] [--gate]
// --square compares yolov5s(.int8).onnx at 640x640 instead of the served
// yolov5s_dyn(.int8).onnx at each photo's own aspect. --gate exits 1 unless
// recall >= 0.90 and recall at score >= 0.5 >= 0.95 (scripts/test_int8.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <opencv2/imgcodecs.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "machine_info.h"
#include "vision/models/yolo_detector.h"

namespace {

namespace fs = std::filesystem;
using kanjian::vision::Detection;
using kanjian::vision::DetectorConfig;
using kanjian::vision::YoloDetector;
using Clock = std::chrono::steady_clock;

using kanjian::bench::CpuLine;
using kanjian::bench::LoadAverage;

double Iou(const kanjian::vision::Box& p, const kanjian::vision::Box& q) {
  const int x1 = std::max(p.x, q.x), y1 = std::max(p.y, q.y);
  const int x2 = std::min(p.x + p.width, q.x + q.width);
  const int y2 = std::min(p.y + p.height, q.y + q.height);
  const double inter = double(std::max(0, x2 - x1)) * std::max(0, y2 - y1);
  const double uni = double(p.width) * p.height + double(q.width) * q.height - inter;
  return uni > 0 ? inter / uni : 0;
}

// The best IoU of `d` with a box of the same class in `others`.
double BestMatch(const Detection& d, const std::vector<Detection>& others) {
  double best = 0;
  for (const auto& o : others)
    if (o.class_id == d.class_id) best = std::max(best, Iou(d.box, o.box));
  return best;
}

struct Agreement {
  int images = 0, fp32_boxes = 0, recalled = 0, fp32_confident = 0, recalled_confident = 0;
  int int8_boxes = 0, int8_matched = 0;
  double iou_sum = 0;
  double Recall() const { return fp32_boxes ? double(recalled) / fp32_boxes : 1; }
  double RecallConfident() const {
    return fp32_confident ? double(recalled_confident) / fp32_confident : 1;
  }
  double Precision() const { return int8_boxes ? double(int8_matched) / int8_boxes : 1; }
  double MeanIou() const { return recalled ? iou_sum / recalled : 0; }
};

constexpr double kMatchIou = 0.5;
constexpr float kConfident = 0.5f;

void Compare(const std::vector<Detection>& a, const std::vector<Detection>& b, Agreement* g) {
  ++g->images;
  for (const auto& d : a) {
    const double iou = BestMatch(d, b);
    const bool hit = iou >= kMatchIou;
    ++g->fp32_boxes;
    g->recalled += hit;
    if (hit) g->iou_sum += iou;
    if (d.score >= kConfident) {
      ++g->fp32_confident;
      g->recalled_confident += hit;
    }
  }
  for (const auto& d : b) {
    ++g->int8_boxes;
    g->int8_matched += BestMatch(d, a) >= kMatchIou;
  }
}

std::vector<std::string> Photos(const std::vector<std::string>& dirs) {
  static const std::set<std::string> kExt = {".jpg", ".jpeg", ".png"};
  std::vector<std::string> out;
  for (const auto& dir : dirs) {
    std::vector<std::string> here;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && kExt.count(e.path().extension().string()))
        here.push_back(e.path().string());
    std::sort(here.begin(), here.end());
    out.insert(out.end(), here.begin(), here.end());
  }
  return out;
}

std::unique_ptr<YoloDetector> Load(const std::string& path, bool square, int threads) {
  DetectorConfig c;
  c.model_path = path;
  c.letterbox = square ? kanjian::vision::Letterbox::kSquare : kanjian::vision::Letterbox::kStride;
  c.intra_op_threads = threads;
  auto d = YoloDetector::Load(c);
  if (!d.ok()) {
    std::fprintf(stderr, "int8_bench: %s\n", d.status().message().c_str());
    std::exit(2);
  }
  return std::move(d.value());
}

// This process's CPU time (all its threads), in seconds.
double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + t.tv_nsec * 1e-9;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string models;
  if (const char* m = std::getenv("KANJIAN_MODELS")) models = m;
  if (models.empty())
    models = std::string(std::getenv("HOME") ? std::getenv("HOME") : "") + "/.cache/kanjian/models";
  std::vector<std::string> photo_dirs;
  bool square = false, speed = true, agreement = true, gate = false;
  int rounds = 8, runs = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "int8_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--models")
      models = next();
    else if (a == "--photos")
      photo_dirs.push_back(next());
    else if (a == "--rounds")
      rounds = std::stoi(next());
    else if (a == "--runs")
      runs = std::stoi(next());
    else if (a == "--square")
      square = true;
    else if (a == "--no-speed")
      speed = false;
    else if (a == "--no-agreement")
      agreement = false;
    else if (a == "--gate")
      gate = true;
    else {
      std::fprintf(stderr, "int8_bench: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  const std::string stem = models + (square ? "/yolov5s" : "/yolov5s_dyn");
  const std::string fp32_path = stem + ".onnx", int8_path = stem + ".int8.onnx";
  std::printf("%s\nload average: %s\nmodels: %s vs %s (%s)\n", CpuLine().c_str(),
              LoadAverage().c_str(), fp32_path.c_str(), int8_path.c_str(),
              square ? "640x640" : "each photo's own aspect, longer side 640");
  const auto photos = Photos(photo_dirs);
  int rc = 0;

  if (agreement) {
    if (photos.empty()) {
      std::fprintf(stderr, "int8_bench: no photos (--photos DIR)\n");
      return 2;
    }
    auto fp32 = Load(fp32_path, square, 2), int8 = Load(int8_path, square, 2);
    Agreement g;
    for (const auto& p : photos) {
      cv::Mat img = cv::imread(p, cv::IMREAD_COLOR);
      if (img.empty()) {
        std::fprintf(stderr, "int8_bench: cannot read %s\n", p.c_str());
        return 2;
      }
      auto a = fp32->Detect(img), b = int8->Detect(img);
      if (!a.ok() || !b.ok()) {
        std::fprintf(stderr, "int8_bench: detection failed on %s\n", p.c_str());
        return 2;
      }
      Compare(*a, *b, &g);
    }
    std::printf(
        "agreement on %d photos: FP32 boxes %d, recalled %.3f (%d); at score >= 0.5: %d/%d = "
        "%.3f; INT8 boxes %d, precision %.3f; mean IoU %.3f\n",
        g.images, g.fp32_boxes, g.Recall(), g.recalled, g.recalled_confident, g.fp32_confident,
        g.RecallConfident(), g.int8_boxes, g.Precision(), g.MeanIou());
    if (gate && (g.Recall() < 0.90 || g.RecallConfident() < 0.95)) {
      std::printf("GATE FAIL: needs recall >= 0.90 and recall at score >= 0.5 >= 0.95\n");
      rc = 1;
    } else if (gate) {
      std::printf("gate passed\n");
    }
  }

  if (speed) {
    const std::string probe = photos.empty() ? "/usr/share/darknet/data/dog.jpg" : photos.front();
    cv::Mat img = cv::imread(probe, cv::IMREAD_COLOR);
    if (img.empty()) {
      std::fprintf(stderr, "int8_bench: cannot read %s\n", probe.c_str());
      return 2;
    }
    for (int threads : {1, 2}) {
      auto fp32 = Load(fp32_path, square, threads), int8 = Load(int8_path, square, threads);
      struct Timing {
        double images_per_s, cpu_ms_per_image;
      };
      auto time_runs = [&](const YoloDetector& d) {
        const auto t0 = Clock::now();
        const double c0 = ProcessCpuSeconds();
        for (int r = 0; r < runs; ++r)
          if (!d.Detect(img).ok()) std::exit(2);
        return Timing{runs / std::chrono::duration<double>(Clock::now() - t0).count(),
                      (ProcessCpuSeconds() - c0) * 1000 / runs};
      };
      time_runs(*fp32);  // warm-up: arenas, first-run allocations
      time_runs(*int8);
      std::vector<double> a_ips, b_ips, ratio, a_cpu, b_cpu, cpu_ratio;
      for (int r = 0; r < rounds; ++r) {
        Timing a, b;
        if (r % 2 == 0) {
          a = time_runs(*fp32);
          b = time_runs(*int8);
        } else {
          b = time_runs(*int8);
          a = time_runs(*fp32);
        }
        a_ips.push_back(a.images_per_s);
        b_ips.push_back(b.images_per_s);
        ratio.push_back(b.images_per_s / a.images_per_s);
        a_cpu.push_back(a.cpu_ms_per_image);
        b_cpu.push_back(b.cpu_ms_per_image);
        cpu_ratio.push_back(a.cpu_ms_per_image / b.cpu_ms_per_image);
      }
      std::printf(
          "speed %d thread%s (%s, %d rounds x %d runs): FP32 %.2f images/s, INT8 %.2f images/s "
          "(medians); INT8/FP32 median %.2fx, min %.2fx, max %.2fx; load average %s\n",
          threads, threads == 1 ? "" : "s", fs::path(probe).filename().c_str(), rounds, runs,
          Median(a_ips), Median(b_ips), Median(ratio),
          *std::min_element(ratio.begin(), ratio.end()),
          *std::max_element(ratio.begin(), ratio.end()), LoadAverage().c_str());
      std::printf(
          "  CPU time per image: FP32 %.1f ms, INT8 %.1f ms (medians); FP32/INT8 median %.2fx, "
          "min %.2fx, max %.2fx\n",
          Median(a_cpu), Median(b_cpu), Median(cpu_ratio),
          *std::min_element(cpu_ratio.begin(), cpu_ratio.end()),
          *std::max_element(cpu_ratio.begin(), cpu_ratio.end()));
    }
  }
  return rc;
}
