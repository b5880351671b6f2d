// The app's lock on its home (app_lock.h).
#include "cli/app_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>

namespace backchannel::cli {
namespace {

std::string LockPath(const std::string& home) {
  return (std::filesystem::path(home) / "app.lock").string();
}

}  // namespace

Result<int> LockHomeForApp(const std::string& home) {
  std::error_code ec;
  if (!std::filesystem::is_directory(home, ec)) return -1;
  const std::string path = LockPath(home);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot open " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status(StatusCode::kAlreadyExists,
                  "an app already serves " + home + "; open its address, or stop it first");
  }
  // Who holds it, for the commands that refuse beside it (RunningAppPid).
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    ::close(fd);
    return IoError("cannot write " + path);
  }
  return fd;
}

std::optional<std::int64_t> RunningAppPid(const std::string& home) {
  const std::string path = LockPath(home);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;  // no app ever ran here
  // A shared lock is granted unless the app holds its exclusive one. (Held
  // for an instant: an app starting in that instant is refused and can be
  // started again.)
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd, LOCK_UN);
    ::close(fd);
    return std::nullopt;
  }
  const bool held = errno == EWOULDBLOCK;
  char buf[32] = {};
  const ssize_t n = held ? ::pread(fd, buf, sizeof buf - 1, 0) : -1;
  ::close(fd);
  if (!held) return std::nullopt;
  std::int64_t pid = 0;
  if (n > 0) std::from_chars(buf, buf + n, pid);
  return pid;  // 0: held, but no pid written (yet)
}

Status RefuseBesideApp(const std::string& home, const std::string& what,
                       const std::string& instead) {
  const auto pid = RunningAppPid(home);
  if (!pid) return Status::Ok();
  return FailedPrecondition("`" + what + "` is refused while an app serves " + home + " (pid " +
                            std::to_string(*pid) + "): " + instead);
}

}  // namespace backchannel::cli
