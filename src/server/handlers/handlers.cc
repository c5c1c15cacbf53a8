#include "server/handlers/handlers.h"

#include <array>

namespace kanjian::server {
namespace {

struct Binding {
  std::string_view action;
  ActionHandler handler;
};

// Row i handles protocol::kActions[i]; the compiler checks the names, so an
// action cannot be added to the table without its handler, or the reverse.
constexpr std::array<Binding, protocol::kActions.size()> kHandlers = {{
    {"RecognizeCar", &HandleRecognizeCar},
    {"RecognizeCarPro", &HandleRecognizeCarPro},
    {"DetectProduct", &HandleDetectProduct},
    {"DetectProductBeta", &HandleDetectProductBeta},
    {"DetectEnvelope", &HandleDetectEnvelope},
    {"DetectPet", &HandleDetectPet},
    {"DetectChefDress", &HandleDetectChefDress},
    {"DetectSecurity", &HandleDetectSecurity},
}};

constexpr bool BoundInTableOrder() {
  for (size_t i = 0; i < kHandlers.size(); ++i) {
    if (kHandlers[i].action != protocol::kActions[i].name || !kHandlers[i].handler) return false;
  }
  return true;
}
static_assert(BoundInTableOrder(), "kHandlers must follow protocol::kActions, one row each");

}  // namespace

ActionHandler HandlerFor(const protocol::ActionSpec& spec) {
  return kHandlers[&spec - protocol::kActions.data()].handler;
}

vision::ImageLimits ImageLimitsFor(const protocol::ActionSpec& spec) {
  vision::ImageLimits limits;
  limits.max_bytes = spec.max_image_bytes;
  limits.jpg_only = spec.jpg_only;
  limits.allow_bmp = !spec.jpg_only;
  return limits;
}

}  // namespace kanjian::server
