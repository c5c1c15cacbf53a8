// The eight billed actions of service tiia 2019-05-29 and their per-action
// limits (docs/api.md §3–4). One table, read by the server, the CLI and billing.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace kanjian::protocol {

inline constexpr std::string_view kApiVersion = "2019-05-29";

struct ActionSpec {
  std::string_view name;
  int default_qps;         // per account
  size_t max_image_bytes;  // of the ImageBase64 text ("≤ 4 MB after Base64", docs/api.md §4)
  bool jpg_only;
};

std::span<const ActionSpec> AllActions();
const ActionSpec* FindAction(std::string_view name);

// The JSON type of a request parameter. TC3 bodies carry it; signature v1
// forms carry text, converted by it (sign_v1.h) so handlers see one shape.
enum class ParamType { kString, kBoolean, kInteger };

// A parameter `action` accepts (ImageUrl, ImageBase64 and its own extras);
// nullopt for any other name (→ UnknownParameter).
std::optional<ParamType> FindParameter(std::string_view action, std::string_view name);

}  // namespace kanjian::protocol
