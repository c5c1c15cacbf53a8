#include "common/private_file.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "common/error_codes.h"

namespace kanjian {
namespace {

constexpr mode_t kOwnerOnly = 0600;

Status Failed(const std::string& what, const std::string& path) {
  return Status(errc::kInternalError,
                what + " " + path + ": " + std::generic_category().message(errno));
}

// Closes the descriptor on every path out.
struct Fd {
  explicit Fd(int fd) : fd(fd) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  int fd;
};

// REQUIRES: fd open on `path`.
Status Restrict(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Failed("cannot stat", path);
  const mode_t mode = st.st_mode & 07777;
  if ((mode & 077) == 0) return Status::Ok();
  // A looser file may already have been read by others; tighten it so that
  // nothing written from now on is exposed, and say so.
  if (::fchmod(fd, kOwnerOnly) != 0) return Failed("cannot restrict to mode 0600:", path);
  spdlog::warn("{} was mode {:04o}, readable by others; changed to 0600", path, mode);
  return Status::Ok();
}

// Creates `path` (which must not exist) with mode 0600 holding `contents`,
// fsync-ed.
Status WriteNewFile(const std::string& path, const std::string& contents) {
  Fd file(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kOwnerOnly));
  if (file.fd < 0) return Failed("cannot create", path);
  if (::fchmod(file.fd, kOwnerOnly) != 0) return Failed("cannot restrict to mode 0600:", path);
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(file.fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Failed("cannot write", path);
    written += static_cast<size_t>(n);
  }
  if (::fsync(file.fd) != 0) return Failed("cannot sync", path);
  return Status::Ok();
}

// Makes a new directory entry durable, so a crash cannot lose the file while
// what depends on it (secrets sealed under a key) is already committed.
Status SyncDirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "."
                          : slash == 0               ? "/"
                                                     : path.substr(0, slash);
  Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.fd < 0 || ::fsync(d.fd) != 0) return Failed("cannot sync directory", dir);
  return Status::Ok();
}

}  // namespace

Status RestrictToOwner(const std::string& path, bool create) {
  // umask may only remove bits from 0600, and fchmod below sets exactly 0600
  // when a umask such as 0277 left the owner without write permission.
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | (create ? O_CREAT : 0), kOwnerOnly));
  if (file.fd < 0) {
    if (errno == ENOENT && !create) return Status::Ok();
    return Failed("cannot open", path);
  }
  struct stat st {};
  if (::fstat(file.fd, &st) != 0) return Failed("cannot stat", path);
  if (create && st.st_size == 0 && (st.st_mode & 0777) != kOwnerOnly &&
      ::fchmod(file.fd, kOwnerOnly) != 0) {
    return Failed("cannot restrict to mode 0600:", path);
  }
  return Restrict(file.fd, path);
}

Result<std::optional<std::string>> ReadPrivateFile(const std::string& path) {
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Failed("cannot open", path);
  }
  RETURN_IF_ERROR(Restrict(file.fd, path));
  std::string contents;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(file.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Failed("cannot read", path);
    if (n == 0) break;
    contents.append(buf, static_cast<size_t>(n));
  }
  return std::optional<std::string>(std::move(contents));
}

Status CreatePrivateFile(const std::string& path, const std::string& contents) {
  // Written whole under a temporary name, then linked into place: a reader
  // never sees a half-written file, and link() fails if `path` exists.
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  Status written = WriteNewFile(tmp, contents);
  if (written.ok() && ::link(tmp.c_str(), path.c_str()) != 0) {
    written = errno == EEXIST ? Status(errc::kAlreadyExists, path + " already exists")
                              : Failed("cannot create", path);
  }
  ::unlink(tmp.c_str());
  if (!written.ok()) return written;
  return SyncDirectoryOf(path);
}

}  // namespace kanjian
