#include "protocol/form_params.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "common/error_codes.h"

namespace kanjian::protocol {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsUtf8(const std::string& text) {
  bool ascii = true;
  for (char c : text) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) return true;  // the common case (base64, numbers, names) skips the copy below
  try {
    (void)nlohmann::json(text).dump();  // strict by default: throws on invalid UTF-8
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

Status Refused(const std::string& why) {
  return Status(errc::kInvalidParameter, "the form-encoded parameters are malformed: " + why);
}

// `what` names the part for the message ("a parameter name", "the value of X").
Result<std::string> PercentDecode(std::string_view text, const std::string& what) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      if (text.size() - i < 3 || HexValue(text[i + 1]) < 0 || HexValue(text[i + 2]) < 0)
        return Refused("a '%' in " + what + " is not followed by two hex digits");
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    }
  }
  if (!IsUtf8(out)) return Refused(what + " is not UTF-8 once decoded");
  return out;
}

bool Unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '!' || c == '\'' ||
         c == '(' || c == ')' || c == '*';
}

std::string PercentEncode(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (Unreserved(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

Result<FormParams> DecodeForm(std::string_view text) {
  FormParams params;
  size_t pairs = 0;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    if (++pairs > kMaxFormParams)
      return Refused("more than " + std::to_string(kMaxFormParams) + " parameters");
    const size_t eq = pair.find('=');
    ASSIGN_OR_RETURN(auto name, PercentDecode(pair.substr(0, eq), "a parameter name"));
    if (name.empty()) return Refused("a parameter has an empty name");
    if (name.size() > kMaxFormNameBytes)
      return Refused("a parameter name is longer than " + std::to_string(kMaxFormNameBytes) +
                     " bytes");
    // The name is UTF-8 now, so it may appear in messages.
    ASSIGN_OR_RETURN(auto value,
                     PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1),
                                   "the value of " + name));
    if (!params.emplace(name, std::move(value)).second)
      return Refused("parameter " + name + " is given more than once");
  }
  return params;
}

std::string EncodeForm(const FormParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return out;
}

}  // namespace kanjian::protocol
