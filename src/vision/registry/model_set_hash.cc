#include "vision/registry/model_set_hash.h"

#include <algorithm>
#include <filesystem>
#include <vector>

#include "common/crypto.h"
#include "common/error_codes.h"

namespace kanjian::vision {
namespace {

namespace fs = std::filesystem;

// Appends "LABEL\0ENTRY\0DIGEST\0" for one model. ENTRY is its config entry
// (JSON, sorted keys: a changed threshold changes the hash) with each file it
// names ("file", companions such as "keys_file") replaced by the digest of
// the file's bytes, so where the models directory is does not matter.
Status AddModel(std::string* text, const std::string& label, nlohmann::json entry,
                const std::string& path) {
  if (entry.is_object()) {
    for (auto& [key, value] : entry.items()) {
      if (key == "file" || !key.ends_with("_file") || !value.is_string()) continue;
      auto digest = crypto::Sha256OfFile(value.get<std::string>());
      if (!digest.ok()) return digest.status();
      value = crypto::Hex(*digest);
    }
    entry.erase("file");
  }
  text->append(label).push_back('\0');
  text->append(entry.dump()).push_back('\0');
  if (!path.empty()) {
    auto digest = crypto::Sha256OfFile(path);
    if (!digest.ok()) return digest.status();
    text->append(*digest);
  }
  text->push_back('\0');
  return Status::Ok();
}

// Every regular file under `dir`, by path relative to it, in sorted order.
Status AddDirectory(std::string* text, const std::string& label, const std::string& dir) {
  if (dir.empty()) return Status::Ok();
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file()) files.push_back(it->path());
  if (ec) return Status(errc::kInternalError, "cannot list " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    Status s = AddModel(text, label, fs::relative(file, dir).string(), file.string());
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ModelSetHash(const ModelsConfig& config, const ExtraModelDirs& extra) {
  std::string text;
  for (const auto& [task, spec] : config.tasks) {
    if (Status s = AddModel(&text, "task " + task, spec.raw, spec.path); !s.ok()) return s;
  }
  for (const auto& [name, spec] : config.attributes) {
    const nlohmann::json entry = {{"method", spec.method},
                                  {"builtin", spec.builtin},
                                  {"region", spec.region},
                                  {"model", spec.model.raw}};
    if (Status s = AddModel(&text, "attribute " + name, entry, spec.model.path); !s.ok()) return s;
  }
  if (Status s = AddDirectory(&text, "ocr", extra.ocr_dir); !s.ok()) return s;
  if (Status s = AddDirectory(&text, "product_gallery", extra.product_gallery_dir); !s.ok())
    return s;
  return crypto::Hex(crypto::Sha256(text));
}

}  // namespace kanjian::vision
