#include "protocol/envelope.h"

namespace kanjian::protocol {

std::string SuccessBody(nlohmann::json fields, const std::string& request_id) {
  fields["RequestId"] = request_id;
  nlohmann::json out = {{"Response", std::move(fields)}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ErrorBody(const Status& status, const std::string& request_id) {
  nlohmann::json out = {
      {"Response",
       {{"Error", {{"Code", status.code()}, {"Message", status.message()}}},
        {"RequestId", request_id}}}};
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kanjian::protocol
