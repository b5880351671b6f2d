// A file descriptor closed when it goes out of scope: the agent's sockets,
// lock file and wake-up pipe (agent_server.cc, agent_client.cc).
#ifndef BACKCHANNEL_SRC_CLIENT_AGENT_FD_H_
#define BACKCHANNEL_SRC_CLIENT_AGENT_FD_H_

#include <unistd.h>

#include <utility>

namespace backchannel::client {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace backchannel::client

#endif  // BACKCHANNEL_SRC_CLIENT_AGENT_FD_H_
