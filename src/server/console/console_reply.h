// JSON answers shared by the tenant and operator console APIs: one mapping
// from an error to its HTTP status and one error body (the wire code from
// protocol/error_table.h; an internal error's detail goes to the log only).
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/status.h"
#include "server/http_types.h"

namespace kanjian::server::console {

int HttpStatusOf(ErrorCode code);
HttpResponse JsonReply(int status, const nlohmann::json& body);
// `surface` names the API in the log line ("console", "operator console").
HttpResponse ErrorReply(const Status& s, std::string_view surface);

}  // namespace kanjian::server::console
