// Test helper: an instant written in ISO 8601, as the billing examples
// write them. A time without an offset is read in UTC+8, the zone of
// docs/billing.md's examples.
#pragma once

#include <string_view>

#include "common/iso8601.h"

namespace kanjian::testing {

inline UnixMicros T(std::string_view iso) {
  return *ParseIso8601(iso, 8 * 3600);
}

}  // namespace kanjian::testing
