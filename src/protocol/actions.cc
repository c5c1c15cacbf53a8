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

std::optional<ParamType> FindParameter(std::string_view action, std::string_view name) {
  if (name == "ImageUrl" || name == "ImageBase64") return ParamType::kString;
  const ActionSpec* spec = FindAction(action);
  if (!spec) return std::nullopt;
  for (const ParamSpec& p : spec->extra_params) {
    if (p.name == name) return p.type;
  }
  return std::nullopt;
}

}  // namespace kanjian::protocol
