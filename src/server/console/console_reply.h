// What the tenant and operator console APIs share: one mapping from an error
// to its HTTP status, one error body (the wire code from
// protocol/error_table.h; an internal error's detail goes to the log only),
// and one reading of query parameters.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "server/http/http_types.h"

namespace kanjian::server::console {

int HttpStatusOf(ErrorCode code);
HttpResponse JsonReply(int status, const nlohmann::json& body);
// `surface` names the API in the log line ("console", "operator console").
HttpResponse ErrorReply(const Status& s, std::string_view surface);

// The value of `name` in a query string, percent-decoded ("%3A" is ':', '+'
// a space), as browsers encode what a page puts in a URL. "" when the name
// is absent or the query is not well-formed form encoding.
std::string QueryParam(std::string_view query, std::string_view name);
// Only ASCII digits, and at least one: safe for any byte, unlike std::isdigit
// on a plain char (undefined for bytes of 0x80 and above).
bool AllDigits(std::string_view text);

}  // namespace kanjian::server::console
