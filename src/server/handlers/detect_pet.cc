// DetectPet (宠物识别) → {"Pets":[{"Name","Score","Location":{X,Y,Width,Height}}]}
#include "server/handlers/handlers.h"

namespace kanjian::server {

Result<nlohmann::json> HandleDetectPet(const ActionCall& call) {
  ASSIGN_OR_RETURN(auto pets, RunAction<std::vector<vision::Pet>>(call, vision::DetectPet));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& p : pets) {
    list.push_back({{"Name", p.name},
                    {"Score", p.score},
                    {"Location",
                     {{"X", p.location.x},
                      {"Y", p.location.y},
                      {"Width", p.location.width},
                      {"Height", p.location.height}}}});
  }
  return nlohmann::json{{"Pets", std::move(list)}};
}

}  // namespace kanjian::server
