// The API 3.0 response envelope. Every answer is HTTP 200 with
// {"Response":{...,"RequestId"}}; errors carry {"Error":{"Code","Message"}}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"
#include "protocol/error_messages.h"

namespace kanjian::protocol {

std::string SuccessBody(nlohmann::json fields, const std::string& request_id);
// {"Code","Message"}: the Error object of every surface (API, CLI --json,
// console, /admin), its code through the one table (error_table.h).
nlohmann::json ErrorJson(const Status& status, Language language = Language::kEnglish);
std::string ErrorBody(const Status& status, const std::string& request_id,
                      Language language = Language::kEnglish);

}  // namespace kanjian::protocol
