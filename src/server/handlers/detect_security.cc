// DetectSecurity (安全属性识别): the body-action handler of
// detect_chef_dress.cc with the security attribute set.
#include "server/handlers/detect_body.h"

namespace kanjian::server {

Result<nlohmann::json> HandleDetectSecurity(const ActionCall& call) {
  return HandleBodyAction(call, vision::DetectSecurity);
}

}  // namespace kanjian::server
