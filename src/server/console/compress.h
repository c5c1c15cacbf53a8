// One-shot compression of whole static files (zlib's gzip format, Brotli),
// done once when a file is loaded; client bodies are never decompressed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kanjian::server::console {

// gzip at level 9; nullopt only if zlib fails (out of memory).
std::optional<std::string> Gzip(std::string_view data);
// Brotli at quality 9 (quality 11 is ~25x slower for ~8 % less); nullopt on failure.
std::optional<std::string> Brotli(std::string_view data);

}  // namespace kanjian::server::console
