// What every benchmark prints beside its figures, since the machines differ
// from session to session: the CPU, its core count, the instruction-set
// flags ONNX Runtime's int8 kernels choose by, and the load average.
#pragma once

#include <fstream>
#include <string>
#include <thread>

namespace kanjian::bench {

inline std::string CpuLine() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model, flags;
  while (std::getline(in, line)) {
    if (model.empty() && line.rfind("model name", 0) == 0) model = line.substr(line.find(':') + 2);
    if (flags.empty() && line.rfind("flags", 0) == 0)
      flags = " " + line.substr(line.find(':') + 1) + " ";
  }
  std::string out = "cpu: " + model + ", " + std::to_string(std::thread::hardware_concurrency()) +
                    " cores; int8 flags:";
  for (const char* f :
       {"avx2", "avx512f", "avx512bw", "avx512_vnni", "avx_vnni", "amx_tile", "amx_int8"})
    out += std::string(" ") + f +
           (flags.find(std::string(" ") + f + " ") != std::string::npos ? "=yes" : "=no");
  return out;
}

inline std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

}  // namespace kanjian::bench
