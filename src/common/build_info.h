// What this binary is: the release it was built as and the commit it was
// built from (cmake/build_info.cmake writes both at build time). Shown by
// `kanjian --version`, /healthz and the kanjian_build_info metric.
#pragma once

#include <string_view>

namespace kanjian {

// The semantic version of the release, "0.9.0" (CMakeLists.txt's project()).
std::string_view BuildVersion();
// The commit's 12-digit abbreviation, with "-dirty" if tracked files had
// changes; "unknown" when built outside a git checkout (a source tarball).
std::string_view BuildCommit();

}  // namespace kanjian
