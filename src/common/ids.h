// Identifier formats. SecretIds look like the public cloud's ("AKID" + 32)
// so tools that validate their shape accept ours.
#pragma once

#include <string>

namespace kanjian::ids {

std::string NewRequestId();  // UUID v7 (time-ordered), lowercase, 36 chars
std::string NewAccountId();  // "acc-" + 12 lowercase hex
std::string NewSecretId();   // "AKID" + 32 alphanumerics
std::string NewSecretKey();  // 32 alphanumerics

}  // namespace kanjian::ids
