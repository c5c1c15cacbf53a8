#include "protocol/actions.h"

#include <array>

namespace kanjian::protocol {
namespace {

constexpr size_t kMB = 1024 * 1024;
constexpr std::array<ActionSpec, 8> kActions = {{
    {"RecognizeCar", 20, 4 * kMB, false},
    {"RecognizeCarPro", 20, 4 * kMB, false},
    {"DetectProduct", 20, 4 * kMB, false},
    {"DetectProductBeta", 2, 1 * kMB, true},
    {"DetectEnvelope", 20, 4 * kMB, false},
    {"DetectPet", 20, 4 * kMB, false},
    {"DetectChefDress", 2, 5 * kMB, false},
    {"DetectSecurity", 2, 5 * kMB, false},
}};

}  // namespace

std::span<const ActionSpec> AllActions() { return kActions; }

const ActionSpec* FindAction(std::string_view name) {
  for (const auto& a : kActions) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::optional<ParamType> FindParameter(std::string_view action, std::string_view name) {
  if (name == "ImageUrl" || name == "ImageBase64") return ParamType::kString;
  if (action == "DetectProductBeta" && name == "NeedLemma") return ParamType::kInteger;
  if ((action == "DetectChefDress" || action == "DetectSecurity") &&
      (name == "EnableDetect" || name == "EnablePreferred"))
    return ParamType::kBoolean;
  return std::nullopt;
}

}  // namespace kanjian::protocol
