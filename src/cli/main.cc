// kanjian: one binary, many subcommands (command_line.h).
#include <iostream>

#include "cli/command_line.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  // Logs go to stderr so that --json output on stdout stays machine-readable
  // (serve may choose otherwise: --log-format, --log-file).
  (void)kanjian::logging::ConfigureLogging({});
  return kanjian::cli::RunCommandLine(std::vector<std::string>(argv, argv + argc), std::cout,
                                      std::cerr);
}
