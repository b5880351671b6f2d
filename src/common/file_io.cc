#include "backchannel/common/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace backchannel {
namespace {

// Closes the descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&&) = delete;
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and reports whether the kernel accepted it.
  bool Close() {
    const int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

std::string Describe(const std::string& path, int err) { return path + ": " + std::strerror(err); }

Status OpenError(const std::string& path, int err) {
  if (err == ENOENT) return NotFound(path + ": no such file");
  if (err == EACCES || err == EPERM) return {StatusCode::kPermissionDenied, Describe(path, err)};
  if (err == EISDIR) return InvalidArgument(path + ": is a directory, not a file");
  return IoError("cannot open " + Describe(path, err));
}

enum class Privacy { kAny, kOwnerOnly };

Result<std::string> Read(const std::string& path, std::size_t max_bytes, Privacy privacy) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return OpenError(path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("cannot stat " + Describe(path, errno));
  if (!S_ISREG(st.st_mode)) return InvalidArgument(path + ": not a regular file");
  if (privacy == Privacy::kOwnerOnly && ((st.st_mode & 077) != 0 || st.st_uid != ::geteuid())) {
    return Status(StatusCode::kPermissionDenied,
                  path + " must belong to this user and be readable by no one else (chmod 600)");
  }
  // A regular file can still grow while we read: the loop below bounds it too.
  if (static_cast<std::size_t>(st.st_size) > max_bytes) {
    return InvalidArgument(path + ": larger than " + std::to_string(max_bytes) + " bytes");
  }
  std::string out;
  out.reserve(static_cast<std::size_t>(st.st_size));
  char buffer[1 << 14];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("cannot read " + Describe(path, errno));
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      return InvalidArgument(path + ": larger than " + std::to_string(max_bytes) + " bytes");
    }
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

std::string DirectoryOf(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  return Read(path, max_bytes, Privacy::kAny);
}

Result<std::string> ReadPrivateFile(const std::string& path, std::size_t max_bytes) {
  return Read(path, max_bytes, Privacy::kOwnerOnly);
}

Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode,
                       bool exclusive) {
  if (exclusive && ::access(path.c_str(), F_OK) == 0) {
    return Status(StatusCode::kAlreadyExists, path + " exists; refusing to overwrite it");
  }
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());  // a leftover of a crashed write; O_EXCL below then refuses races
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (fd.get() < 0) return OpenError(tmp, errno);
  // The umask may have narrowed `mode`; a key file must not end up wider.
  if (::fchmod(fd.get(), mode) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot chmod " + Describe(tmp, err));
  }
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::unlink(tmp.c_str());
      return IoError("cannot write " + Describe(tmp, err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0 || !fd.Close()) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot sync " + Describe(tmp, err));
  }
  if (exclusive) {
    // link() fails on an existing target: no window in which another writer's
    // file could be replaced.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      if (err == EEXIST) {
        return Status(StatusCode::kAlreadyExists, path + " exists; refusing to overwrite it");
      }
      return IoError("cannot create " + Describe(path, err));
    }
    ::unlink(tmp.c_str());
  } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot rename to " + Describe(path, err));
  }
  // The rename is durable only once the directory entry is.
  Fd dir(::open(DirectoryOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  return Status::Ok();
}

}  // namespace backchannel
