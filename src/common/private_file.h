// Files that hold secrets or billing data (the database, its -wal and -shm,
// the master key file) are readable and writable by their owner only.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"

namespace kanjian {

// Makes `path` mode 0600: creates it empty (when `create` and it is
// missing), or tightens an existing file whose group/other bits are set
// (logged as a warning naming the file and its old mode). A missing file
// with `create` false is fine. errc::kInternalError naming the file when it
// cannot be opened or chmod-ed (e.g. owned by another user).
Status RestrictToOwner(const std::string& path, bool create);

// The contents of `path`, nullopt if it does not exist; the file is
// restricted to its owner first (RestrictToOwner).
Result<std::optional<std::string>> ReadPrivateFile(const std::string& path);

// Creates `path` with mode 0600 holding `contents`, durably (file and
// directory fsync-ed), appearing whole or not at all; errc::kAlreadyExists if
// it exists (of two racing creators exactly one wins).
Status CreatePrivateFile(const std::string& path, const std::string& contents);

}  // namespace kanjian
