// DetectSecurity (安全属性识别): the body-action handler of
// detect_chef_dress.cc with the security attribute set.
#include "server/handlers/handlers.h"
#include "vision/recognizers/body_recognizer.h"

namespace kanjian::server {

Result<nlohmann::json> HandleBodyAction(const ActionCall& call, vision::BodyAction action);

Result<nlohmann::json> HandleDetectSecurity(const ActionCall& call) {
  return HandleBodyAction(call, vision::BodyAction::kSecurity);
}

}  // namespace kanjian::server
