#include "server/handlers/handlers.h"

#include <array>
#include <utility>

namespace kanjian::server {

ActionHandler FindHandler(std::string_view action) {
  // Add a line here when an action gets its handler file.
  static constexpr std::pair<std::string_view, ActionHandler> kHandlers[] = {
      {"DetectPet", &HandleDetectPet},
      {"DetectProduct", &HandleDetectProduct},
      {"DetectProductBeta", &HandleDetectProductBeta},
      {"RecognizeCar", &HandleRecognizeCar},
      {"RecognizeCarPro", &HandleRecognizeCarPro},
      {"DetectEnvelope", &HandleDetectEnvelope},
      {"DetectChefDress", &HandleDetectChefDress},
      {"DetectSecurity", &HandleDetectSecurity},
  };
  for (const auto& [name, handler] : kHandlers) {
    if (name == action) return handler;
  }
  return nullptr;
}

}  // namespace kanjian::server
