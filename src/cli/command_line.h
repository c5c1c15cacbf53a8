// The kanjian command line as a plain function: argv in, exit code and
// output out, so tests run the real parser on argv vectors (main.cc only
// sets up logging). Global options: --db, --json, --at (before the
// subcommand, or after it).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace kanjian::cli {

// `args[0]` is the program name. Command output (and, with --json, errors
// as {"Error":{"Code","Message"}}) goes to `out`; errors without --json and
// usage text go to `err`. A malformed --at, an unknown flag or a missing
// value exits non-zero before any command runs.
int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace kanjian::cli
