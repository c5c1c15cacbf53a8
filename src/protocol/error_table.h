// The one table from ErrorCode (common/error_codes.h) to what a client sees:
// the wire string of the envelope's Error.Code, the CLI's and the console's
// {"Error":{"Code"}}. Every answer goes through WireCode; nothing else spells
// a wire string. docs/tenants/errors.md "Error codes" lists the same codes, checked by
// error_table_test.cc.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "common/error_codes.h"

namespace kanjian::protocol {

// Where a client can meet the code.
enum class ErrorSurface {
  kApi,    // the API 3.0 endpoint (recognition or billing): the documentation's first table
  kOther,  // CLI, tenant console JSON API, /admin: the documentation's second table
};

struct ErrorSpec {
  ErrorCode code;
  std::string_view wire;  // never changes: the official SDKs' tests match it
  ErrorSurface surface;
};

// Every code but kOk, in ErrorCode order.
std::span<const ErrorSpec> AllErrors();
// "" for kOk.
std::string_view WireCode(ErrorCode code);
std::optional<ErrorCode> FindErrorCode(std::string_view wire);

}  // namespace kanjian::protocol
