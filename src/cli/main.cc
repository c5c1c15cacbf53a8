// kanjian: one binary, many subcommands (command_line.h).
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cli/command_line.h"

int main(int argc, char** argv) {
  // Logs go to stderr so that --json output on stdout stays machine-readable.
  spdlog::set_default_logger(spdlog::stderr_logger_mt("kanjian"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  return kanjian::cli::RunCommandLine(std::vector<std::string>(argv, argv + argc), std::cout,
                                      std::cerr);
}
