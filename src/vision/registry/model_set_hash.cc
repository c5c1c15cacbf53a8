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
      ASSIGN_OR_RETURN(auto digest, crypto::Sha256OfFile(value.get<std::string>()));
      value = crypto::Hex(digest);
    }
    entry.erase("file");
  }
  text->append(label).push_back('\0');
  text->append(entry.dump()).push_back('\0');
  if (!path.empty()) {
    ASSIGN_OR_RETURN(auto digest, crypto::Sha256OfFile(path));
    text->append(digest);
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
    RETURN_IF_ERROR(AddModel(text, label, fs::relative(file, dir).string(), file.string()));
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> ModelSetHash(const ModelsConfig& config, const ExtraModelDirs& extra) {
  std::string text;
  for (const auto& [task, spec] : config.tasks) {
    RETURN_IF_ERROR(AddModel(&text, "task " + task, spec.raw, spec.path));
  }
  for (const auto& [name, spec] : config.attributes) {
    const nlohmann::json entry = {{"method", spec.method},
                                  {"builtin", spec.builtin},
                                  {"region", spec.region},
                                  {"model", spec.model.raw}};
    RETURN_IF_ERROR(AddModel(&text, "attribute " + name, entry, spec.model.path));
  }
  RETURN_IF_ERROR(AddDirectory(&text, "ocr", extra.ocr_dir));
  RETURN_IF_ERROR(AddDirectory(&text, "product_gallery", extra.product_gallery_dir));
  return crypto::Hex(crypto::Sha256(text));
}

}  // namespace kanjian::vision
