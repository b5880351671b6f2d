// The callers' side of the agent: one connection, one request, one reply
// (client/agent_protocol.h), and OpenWithAgent's silent fallback.
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "backchannel/client/agent.h"
#include "client/agent_fd.h"

namespace backchannel::client {
namespace {

// Bounds a caller's wait on a hung agent (connect with a full backlog, send,
// receive): after this the command falls back to the passphrase.
constexpr timeval kCallerTimeout{2, 0};

Status NoAgent(const std::string& home, const std::string& why) {
  return Status(StatusCode::kUnavailable, "no agent serves " + home + " (" + why + ")");
}

Result<UniqueFd> Connect(const std::string& home) {
  const std::string path = AgentSocketPath(home);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return NoAgent(home, "socket path too long");
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return NoAgent(home, std::strerror(errno));
  // SO_SNDTIMEO also bounds connect(2) on a unix socket whose backlog is full.
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &kCallerTimeout, sizeof(kCallerTimeout));
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &kCallerTimeout, sizeof(kCallerTimeout));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return NoAgent(home, std::strerror(errno));
  }
  // The socket sits in our 0700 home, but a key is only taken from a
  // process of our own uid all the same.
  ucred cred{};
  socklen_t len = sizeof(cred);
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
      cred.uid != ::geteuid()) {
    return NoAgent(home, "the socket belongs to another user");
  }
  return fd;
}

Result<AgentReply> Exchange(const std::string& home, AgentOp op) {
  BC_ASSIGN_OR_RETURN(UniqueFd fd, Connect(home));
  const Bytes request = EncodeAgentRequest(op);
  if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    return NoAgent(home, "cannot send the request");
  }
  // One byte more than the largest reply, so an oversized one is noticed.
  SecretBytes buffer(kAgentMaxReplySize + 1);
  std::size_t got = 0;
  while (got < buffer.size()) {
    const ssize_t n = ::recv(fd.get(), buffer.data() + got, buffer.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return NoAgent(home, "no reply");
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return DecodeAgentReply(buffer.view().first(got), op);
}

}  // namespace

Result<StoreKey> AskAgentForKey(const std::string& home) {
  BC_ASSIGN_OR_RETURN(AgentReply reply, Exchange(home, AgentOp::kKey));
  return std::move(reply.key);
}

Result<AgentStatusInfo> QueryAgent(const std::string& home) {
  BC_ASSIGN_OR_RETURN(AgentReply reply, Exchange(home, AgentOp::kStatus));
  return reply.status;
}

Status StopAgent(const std::string& home) { return Exchange(home, AgentOp::kStop).status(); }

Result<std::unique_ptr<Client>> OpenWithAgent(const ClientOptions& options,
                                              const PassphraseSource& source) {
  const std::string home = ResolveHome(options.home);
  if (auto key = AskAgentForKey(home); key.ok()) {
    auto opened = Client::OpenWithKey(options, *key);
    if (opened.ok()) return opened;
    // A key for another store (the home was made anew), a store that
    // cannot be opened: the path below reports it as it always did.
  }
  BC_ASSIGN_OR_RETURN(auto pass, ReadPassphrase(source));
  return Client::Open(options, pass);
}

}  // namespace backchannel::client
