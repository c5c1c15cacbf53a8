// ASCII case folding for protocol tokens (header names, schemes, hosts,
// content codings): bytes outside A-Z pass through, whatever the locale.
#pragma once

#include <string>
#include <string_view>

namespace kanjian {

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace kanjian
