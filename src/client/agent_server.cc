// The agent's serving loop: one poll(2) loop over a wake-up pipe, the
// listening socket and at most max_connections accepted connections, all
// non-blocking (the bounds are listed in client/agent.h).
#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "backchannel/client/agent.h"
#include "client/agent_fd.h"

namespace backchannel::client {
namespace {

using SteadyTime = std::chrono::steady_clock::time_point;

// The longest the loop sleeps, so the injected clock (tests) and Shutdown
// are noticed promptly even when nothing arrives.
constexpr std::int64_t kMaxPollMs = 200;
constexpr int kListenBacklog = 16;

struct Connection {
  UniqueFd fd;
  SteadyTime deadline;
  std::array<std::uint8_t, kAgentRequestSize> request{};
  std::size_t got = 0;
};

// SO_PEERCRED: the uid of the process at the other end of a unix socket.
bool PeerIsUs(int fd) {
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  return cred.uid == ::geteuid();
}

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::string AgentSocketPath(const std::string& home) {
  return (std::filesystem::path(home) / "agent.sock").string();
}
std::string AgentLockPath(const std::string& home) {
  return (std::filesystem::path(home) / "agent.lock").string();
}

std::int64_t SteadyClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct AgentServer::Impl {
  std::string socket_path;
  AgentOptions options;
  UniqueFd lock;
  UniqueFd listener;
  UniqueFd wake_read;
  UniqueFd wake_write;
  // One heap block, locked in memory when mlock allows it (RLIMIT_MEMLOCK),
  // so the key is not written to swap.
  std::unique_ptr<StoreKey> key;
  bool key_locked = false;
  std::int64_t last_use_ms = 0;
  std::vector<Connection> connections;
  bool stop_requested = false;

  Impl() = default;
  ~Impl() { WipeKey(); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;

  void WipeKey() {
    if (!key) return;
    SecureWipe(key->data(), key->size());
    if (key_locked) ::munlock(key.get(), sizeof(StoreKey));
    key.reset();
  }

  void Answer(Connection& c) {
    auto op = DecodeAgentRequest(c.request);
    SecretBytes reply;
    if (!op) {
      reply = EncodeAgentBadRequest();
    } else {
      AgentReply r;
      r.op = *op;
      switch (*op) {
        case AgentOp::kKey:
          r.key = key->Clone();
          last_use_ms = options.clock();
          break;
        case AgentOp::kStatus:
          r.status.pid = static_cast<std::uint32_t>(::getpid());
          r.status.idle_left_ms = static_cast<std::uint64_t>(IdleLeftMs());
          break;
        case AgentOp::kStop:
          stop_requested = true;
          break;
      }
      reply = EncodeAgentReply(r);
    }
    // The reply is far smaller than a socket buffer; a peer that does not
    // read it simply loses it (MSG_DONTWAIT: never block the loop).
    (void)::send(c.fd.get(), reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }

  std::int64_t IdleLeftMs() const {
    return std::max<std::int64_t>(0, last_use_ms + options.idle.count() - options.clock());
  }

  void AcceptAll() {
    // A bounded number per round, so a flood cannot starve the connections
    // already accepted.
    for (int i = 0; i < 64; ++i) {
      UniqueFd fd(::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!fd.valid()) return;            // EAGAIN, or the peer gave up already
      if (!PeerIsUs(fd.get())) continue;  // another uid: closed unanswered
      if (connections.size() >= options.max_connections) continue;
      Connection c;
      c.fd = std::move(fd);
      c.deadline = std::chrono::steady_clock::now() + options.read_timeout;
      connections.push_back(std::move(c));
    }
  }

  // Reads what is there; true when the connection is finished (answered,
  // closed by the peer, or failed) and may be dropped.
  bool ReadFrom(Connection& c) {
    const ssize_t n =
        ::recv(c.fd.get(), c.request.data() + c.got, c.request.size() - c.got, MSG_DONTWAIT);
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    if (n == 0) return true;
    c.got += static_cast<std::size_t>(n);
    if (c.got < c.request.size()) return false;
    Answer(c);
    return true;
  }
};

AgentServer::AgentServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AgentServer::~AgentServer() {
  impl_->WipeKey();
  if (impl_->listener.valid()) {
    impl_->listener.Reset();
    ::unlink(impl_->socket_path.c_str());
  }
}

const std::string& AgentServer::socket_path() const { return impl_->socket_path; }

Result<std::unique_ptr<AgentServer>> AgentServer::Bind(const std::string& home, StoreKey key,
                                                       AgentOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->key = std::make_unique<StoreKey>(std::move(key));
  impl->key_locked = ::mlock(impl->key.get(), sizeof(StoreKey)) == 0;
  impl->options = std::move(options);
  impl->socket_path = AgentSocketPath(home);

  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (impl->socket_path.size() >= sizeof(addr.sun_path)) {
    return InvalidArgument("the agent socket path " + impl->socket_path + " is longer than " +
                           std::to_string(sizeof(addr.sun_path) - 1) +
                           " bytes: use a shorter --home");
  }
  std::memcpy(addr.sun_path, impl->socket_path.c_str(), impl->socket_path.size() + 1);

  // The lock, not the socket, says whether an agent lives: a socket file
  // outlives a killed agent, a flock does not.
  const std::string lock_path = AgentLockPath(home);
  impl->lock = UniqueFd(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!impl->lock.valid()) return IoError(Errno(lock_path));
  if (::flock(impl->lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status(StatusCode::kAlreadyExists,
                    "an agent already serves " + home + " (`backchannel agent stop` ends it)");
    }
    return IoError(Errno(lock_path));
  }
  // We hold the lock, so a socket file here belongs to a dead agent.
  if (::unlink(impl->socket_path.c_str()) != 0 && errno != ENOENT) {
    return IoError(Errno("removing the stale socket " + impl->socket_path));
  }

  impl->listener = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!impl->listener.valid()) return IoError(Errno("socket"));
  // The umask makes the socket 0600 from its first instant (bind creates the
  // file); chmod afterwards would leave a window. The umask is per process:
  // another thread creating a file in this instant would get 0600 too.
  const mode_t old_mask = ::umask(0177);
  const int bound =
      ::bind(impl->listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  const int bind_errno = errno;
  ::umask(old_mask);
  if (bound != 0) {
    errno = bind_errno;
    const Status failed = IoError(Errno("binding " + impl->socket_path));
    impl->listener.Reset();
    return failed;
  }
  if (::listen(impl->listener.get(), kListenBacklog) != 0) {
    const Status failed = IoError(Errno("listening on " + impl->socket_path));
    impl->listener.Reset();
    ::unlink(impl->socket_path.c_str());
    return failed;
  }
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_NONBLOCK | O_CLOEXEC) != 0) {
    const Status failed = IoError(Errno("pipe"));
    impl->listener.Reset();
    ::unlink(impl->socket_path.c_str());
    return failed;
  }
  impl->wake_read = UniqueFd(pipe_fds[0]);
  impl->wake_write = UniqueFd(pipe_fds[1]);
  impl->last_use_ms = impl->options.clock();
  return std::unique_ptr<AgentServer>(new AgentServer(std::move(impl)));
}

void AgentServer::Shutdown() {
  const char byte = 1;
  (void)!::write(impl_->wake_write.get(), &byte, 1);
}

AgentExit AgentServer::Serve() {
  Impl& s = *impl_;
  AgentExit why = AgentExit::kShutdown;
  std::vector<pollfd> fds;
  while (true) {
    if (s.stop_requested) {
      why = AgentExit::kStopped;
      break;
    }
    const std::int64_t idle_left = s.IdleLeftMs();
    if (idle_left == 0) {
      why = AgentExit::kIdle;
      break;
    }
    const SteadyTime now = std::chrono::steady_clock::now();
    std::int64_t wait_ms = std::min(kMaxPollMs, idle_left);
    fds.clear();
    fds.push_back({s.wake_read.get(), POLLIN, 0});
    fds.push_back({s.listener.get(), POLLIN, 0});
    for (const Connection& c : s.connections) {
      fds.push_back({c.fd.get(), POLLIN, 0});
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(c.deadline - now).count();
      wait_ms = std::clamp<std::int64_t>(left, 0, wait_ms);
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(wait_ms));
    if (ready < 0 && errno != EINTR) break;  // kShutdown: nothing sane left to do
    if (ready > 0 && (fds[0].revents & POLLIN) != 0) break;
    // Connections first (their pollfds follow the first two, in order), then
    // new ones: a finished or expired connection frees its slot.
    const SteadyTime after = std::chrono::steady_clock::now();
    std::vector<Connection> kept;
    kept.reserve(s.connections.size());
    for (std::size_t i = 0; i < s.connections.size(); ++i) {
      Connection& c = s.connections[i];
      const auto revents = fds[i + 2].revents;
      bool done = false;
      if (revents != 0) done = s.ReadFrom(c);
      if (!done && after >= c.deadline) done = true;  // silent too long
      if (!done) kept.push_back(std::move(c));
    }
    s.connections = std::move(kept);
    if ((fds[1].revents & POLLIN) != 0) s.AcceptAll();
  }
  s.connections.clear();
  s.WipeKey();
  s.listener.Reset();
  ::unlink(s.socket_path.c_str());
  return why;
}

}  // namespace backchannel::client
