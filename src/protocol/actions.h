// The eight billed actions of service tiia 2019-05-29: one table owning each
// action's extra parameters, QPS default and image limits (docs/api.md §3–4),
// read by the server, the CLI and the billing API. The server binds each row
// to its handler in server/handlers/handlers.cc, checked against this table
// by the compiler (kActions is constexpr for that).
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace kanjian::protocol {

inline constexpr std::string_view kApiVersion = "2019-05-29";

// The JSON type of a request parameter. TC3 bodies carry it; signature v1
// forms carry text, converted by it (sign_v1.h) so handlers see one shape.
enum class ParamType { kString, kBoolean, kInteger };

struct ParamSpec {
  std::string_view name;
  ParamType type;
};

struct ActionSpec {
  std::string_view name;
  int default_qps;         // per account
  size_t max_image_bytes;  // of the ImageBase64 text ("≤ 4 MB after Base64", docs/api.md §4)
  bool jpg_only;
  // What it takes beyond ImageUrl and ImageBase64 (every action takes those).
  std::span<const ParamSpec> extra_params;
};

namespace actions_detail {
inline constexpr size_t kMB = size_t{1024} * 1024;
inline constexpr ParamSpec kBody[] = {{"EnableDetect", ParamType::kBoolean},
                                      {"EnablePreferred", ParamType::kBoolean}};
inline constexpr ParamSpec kProductBeta[] = {{"NeedLemma", ParamType::kInteger}};
}  // namespace actions_detail

inline constexpr std::array<ActionSpec, 8> kActions = {{
    {"RecognizeCar", 20, 4 * actions_detail::kMB, false, {}},
    {"RecognizeCarPro", 20, 4 * actions_detail::kMB, false, {}},
    {"DetectProduct", 20, 4 * actions_detail::kMB, false, {}},
    {"DetectProductBeta", 2, 1 * actions_detail::kMB, true, actions_detail::kProductBeta},
    {"DetectEnvelope", 20, 4 * actions_detail::kMB, false, {}},
    {"DetectPet", 20, 4 * actions_detail::kMB, false, {}},
    {"DetectChefDress", 2, 5 * actions_detail::kMB, false, actions_detail::kBody},
    {"DetectSecurity", 2, 5 * actions_detail::kMB, false, actions_detail::kBody},
}};

std::span<const ActionSpec> AllActions();
// The row named `name`, or null. A request looks its action up once, when
// its envelope is parsed, and passes the row along.
const ActionSpec* FindAction(std::string_view name);

// A parameter `action` accepts (ImageUrl, ImageBase64 and its own extras);
// nullopt for any other name (→ UnknownParameter).
std::optional<ParamType> FindParameter(const ActionSpec& action, std::string_view name);

}  // namespace kanjian::protocol
