#include "protocol/envelope.h"

#include "protocol/error_table.h"

namespace kanjian::protocol {

std::string SuccessBody(nlohmann::json fields, const std::string& request_id) {
  fields["RequestId"] = request_id;
  nlohmann::json out = {{"Response", std::move(fields)}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json ErrorJson(const Status& status, Language language) {
  return {{"Code", WireCode(status.code())}, {"Message", LocalizedMessage(status, language)}};
}

std::string ErrorBody(const Status& status, const std::string& request_id, Language language) {
  nlohmann::json out = {
      {"Response", {{"Error", ErrorJson(status, language)}, {"RequestId", request_id}}}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kanjian::protocol
