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

}  // namespace kanjian::protocol
