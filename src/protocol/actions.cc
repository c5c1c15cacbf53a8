#include "protocol/actions.h"

namespace kanjian::protocol {

std::span<const ActionSpec> AllActions() {
  return kActions;
}

const ActionSpec* FindAction(std::string_view name) {
  for (const auto& a : kActions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::optional<ParamType> FindParameter(const ActionSpec& action, std::string_view name) {
  if (name == "ImageUrl" || name == "ImageBase64") return ParamType::kString;
  for (const ParamSpec& p : action.extra_params) {
    if (p.name == name) return p.type;
  }
  return std::nullopt;
}

}  // namespace kanjian::protocol
