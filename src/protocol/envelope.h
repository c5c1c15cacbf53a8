// The API 3.0 response envelope. Every answer is HTTP 200 with
// {"Response":{...,"RequestId"}}; errors carry {"Error":{"Code","Message"}}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace kanjian::protocol {

std::string SuccessBody(nlohmann::json fields, const std::string& request_id);
std::string ErrorBody(const Status& status, const std::string& request_id);

}  // namespace kanjian::protocol
