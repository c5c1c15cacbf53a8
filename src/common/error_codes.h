// The closed set of errors Kanjian reports (docs/api.md §3). A failure
// carries an ErrorCode from where it is detected to where it is answered;
// only then does it become a wire string, through the one table in
// protocol/error_table.h. The list itself is error_codes.def.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string_view>

namespace kanjian {

enum class ErrorCode : uint8_t {
  kOk = 0,  // what Status::code() says of a success; never an error
#define KANJIAN_ERROR(name) k##name,
#include "common/error_codes.def"
#undef KANJIAN_ERROR
};

// The codes, kOk included.
inline constexpr size_t kErrorCodeCount = [] {
  size_t n = 1;
#define KANJIAN_ERROR(name) ++n;
#include "common/error_codes.def"
#undef KANJIAN_ERROR
  return n;
}();

// The C++ name without its k ("NotActivated"), for logs and test output;
// what a client sees is protocol::WireCode(code).
constexpr std::string_view ErrorCodeName(ErrorCode code) {
  constexpr std::array<std::string_view, kErrorCodeCount> kNames = {
      "Ok",
#define KANJIAN_ERROR(name) #name,
#include "common/error_codes.def"
#undef KANJIAN_ERROR
  };
  const auto i = static_cast<size_t>(code);
  return i < kNames.size() ? kNames[i] : "Unknown";
}

inline std::ostream& operator<<(std::ostream& out, ErrorCode code) {
  return out << ErrorCodeName(code);
}

// errc::kNotFound etc.: the short spelling every call site uses.
namespace errc {
using enum ErrorCode;
}  // namespace errc

}  // namespace kanjian
