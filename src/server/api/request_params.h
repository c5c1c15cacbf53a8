// The parameters of an API call as the handler checks them before any
// recognition, as plain functions (fuzz/request_json_fuzz.cc runs them):
// a TC3 body must be a JSON object, and every name, from a TC3 body or a
// signature v1 form, must be a parameter the action accepts.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/status.h"
#include "protocol/actions.h"

namespace kanjian::server {

// Parses a TC3 body. Errors: InvalidParameter (not a JSON object, invalid
// UTF-8 included, nested deeper than 16 levels).
Result<nlohmann::json> ParseJsonParams(std::string_view body);

// Errors: UnknownParameter naming the first name `action` does not take
// (protocol::FindParameter).
Status CheckParameterNames(const protocol::ActionSpec& action, const nlohmann::json& params);

// `name` as error messages show a client-supplied name: at most 64 bytes,
// then a note of its full length.
std::string ShownName(std::string_view name);

}  // namespace kanjian::server
