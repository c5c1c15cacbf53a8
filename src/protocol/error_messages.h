// What each error code means, in English and Chinese, for people: the API's
// answer to `X-TC-Language: zh-CN` (or v1's `Language=zh-CN`) and the
// console's messages. One table, console/error_messages.json, read by the
// console as a static file and compiled in here, so the two cannot differ.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kanjian::protocol {

enum class Language { kEnglish, kChinese };

// "zh-CN" (any case, "zh" or "zh-*") is Chinese; anything else, or nothing,
// is English, the default of the public cloud's API.
Language ParseLanguage(std::string_view tag);

// The code's sentence in `language`, or "" when the table has none (a test
// keeps the table complete).
std::string_view CodeMessage(std::string_view wire_code, Language language);

// The Error.Message a client reads. English: the status's own message, which
// names the detail (what was wrong, the limit). Chinese: the code's sentence
// with that detail after it in brackets, so nothing is lost.
std::string LocalizedMessage(const Status& status, Language language);

}  // namespace kanjian::protocol
