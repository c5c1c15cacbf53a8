// application/x-www-form-urlencoded text, as signature v1 requests carry
// their parameters (the query string of a GET, the body of a POST).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kanjian::protocol {

// Names and values after percent-decoding, sorted by name (bytewise), which
// is also the order signature v1 signs them in.
using FormParams = std::map<std::string, std::string, std::less<>>;

// More pairs than any tiia action needs (8 common + 5 own), with room for
// clients that add optional ones; bounds the work a hostile form can cause.
inline constexpr size_t kMaxFormParams = 64;
// Names end up in error messages; no real name comes near this.
inline constexpr size_t kMaxFormNameBytes = 128;

// Decodes `a=1&b=x%2By+z`: "%XX" is a byte, '+' a space; a pair without '='
// has an empty value; empty pairs ("a=1&&b=2", a trailing '&') are skipped.
// Refused with InvalidParameter: a name given twice, a bad escape ("%zz",
// "%4"), an empty name or one over kMaxFormNameBytes, more than
// kMaxFormParams pairs, and a name or value that is not UTF-8 once decoded
// (they end up in JSON).
Result<FormParams> DecodeForm(std::string_view text);

// The inverse, for clients and tests: names and values percent-encoded as
// node's querystring.stringify does (RFC 3986 unreserved kept, plus !'()*).
std::string EncodeForm(const FormParams& params);

}  // namespace kanjian::protocol
