#include "protocol/error_messages.h"

#include <nlohmann/json.hpp>

#include "protocol/error_messages_table.h"  // generated from console/error_messages.json
#include "protocol/error_table.h"

namespace kanjian::protocol {
namespace {

const nlohmann::json& Table() {
  static const nlohmann::json table = nlohmann::json::parse(kErrorMessagesJson);
  return table;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

}  // namespace

Language ParseLanguage(std::string_view tag) {
  const bool chinese = StartsWithIgnoreCase(tag, "zh") && (tag.size() == 2 || tag[2] == '-');
  return chinese ? Language::kChinese : Language::kEnglish;
}

std::string_view CodeMessage(std::string_view wire_code, Language language) {
  const auto entry = Table().find(std::string(wire_code));
  if (entry == Table().end()) return "";
  const auto text = entry->find(language == Language::kChinese ? "zh" : "en");
  if (text == entry->end() || !text->is_string()) return "";
  return text->get_ref<const std::string&>();
}

std::string LocalizedMessage(const Status& status, Language language) {
  if (language == Language::kEnglish) return status.message();
  const std::string_view sentence = CodeMessage(WireCode(status.code()), language);
  if (sentence.empty()) return status.message();
  if (status.message().empty()) return std::string(sentence);
  return std::string(sentence) + "（" + status.message() + "）";
}

}  // namespace kanjian::protocol
