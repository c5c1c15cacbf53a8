// FUZZ_CHECK: a property the harness asserts. A failure prints the property
// and aborts, which libFuzzer reports as a crash and saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "protocol/envelope.h"
#include "protocol/error_table.h"

#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "fuzz property failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

namespace kanjian::fuzz {

// Every refusal must become a well-formed API 3.0 envelope: valid JSON
// (invalid UTF-8 in a message replaced, never thrown) carrying the code.
inline void CheckEnvelope(const Status& status) {
  const std::string body = protocol::ErrorBody(status, "fuzz-request-id");
  auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  FUZZ_CHECK(!parsed.is_discarded());
  FUZZ_CHECK(parsed["Response"]["Error"]["Code"] == std::string(protocol::WireCode(status.code())));
}

}  // namespace kanjian::fuzz
