// Running an agent as a process: hardening, signals, and the double fork
// that detaches it from the command that started it.
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <string>

#include "backchannel/client/agent.h"
#include "client/agent_fd.h"

namespace backchannel::client {
namespace {

std::atomic<AgentServer*> g_serving{nullptr};

void OnSignal(int /*signal*/) {
  if (AgentServer* s = g_serving.load()) s->Shutdown();
}

// No core file and no ptrace by other processes of our uid: either would
// hand out the key without asking the socket (prctl(2), PR_SET_DUMPABLE).
void Harden() {
  (void)::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  const rlimit none{0, 0};
  (void)::setrlimit(RLIMIT_CORE, &none);
}

// Serves with SIGINT, SIGTERM and SIGHUP ending the loop cleanly (the key
// wiped, the socket removed) and SIGPIPE ignored.
AgentExit ServeWithSignals(AgentServer& server) {
  g_serving.store(&server);
  struct sigaction on {};
  on.sa_handler = &OnSignal;
  ::sigemptyset(&on.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &on, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  const AgentExit why = server.Serve();
  g_serving.store(nullptr);
  return why;
}

void WriteAll(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// The agent process itself (the grandchild): never returns.
[[noreturn]] void BecomeAgent(int report_fd, const std::string& home, StoreKey key,
                              const AgentOptions& options) {
  Harden();
  auto server = AgentServer::Bind(home, std::move(key), options);
  if (!server) {
    WriteAll(report_fd, "E" + std::string(server.error().message()));
    ::_exit(1);
  }
  WriteAll(report_fd, "P" + std::to_string(::getpid()));
  ::close(report_fd);
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    for (int fd = 0; fd <= 2; ++fd) ::dup2(null_fd, fd);
    ::close(null_fd);
  }
  ServeWithSignals(**server);
  server->reset();
  ::_exit(0);
}

}  // namespace

Result<int> SpawnAgent(const std::string& home, StoreKey key, const AgentOptions& options) {
  std::array<int, 2> report{};
  if (::pipe2(report.data(), O_CLOEXEC) != 0) {
    return IoError(std::string("pipe: ") + std::strerror(errno));
  }
  UniqueFd read_end(report[0]);
  UniqueFd write_end(report[1]);
  const pid_t child = ::fork();
  if (child < 0) return IoError(std::string("fork: ") + std::strerror(errno));
  if (child == 0) {
    // The child starts a new session and forks again, so the agent is no
    // session leader (it can never acquire a terminal) and is adopted by
    // init rather than left a zombie of a long-lived caller.
    read_end.Reset();
    ::setsid();
    // Descriptors inherited from the caller (a test's pipes, say) must not
    // be held open for the agent's whole life.
    const int keep = ::dup2(write_end.get(), 3);
    if (keep >= 0) ::close_range(4, ~0U, 0);
    const pid_t agent = ::fork();
    if (agent == 0) BecomeAgent(3, home, std::move(key), options);
    ::_exit(agent < 0 ? 1 : 0);
  }
  write_end.Reset();
  SecureWipe(key.data(), key.size());  // our copy: the agent has its own
  int child_status = 0;
  while (::waitpid(child, &child_status, 0) < 0 && errno == EINTR) {
  }
  std::string reply;
  std::array<char, 256> buf{};
  while (true) {
    const ssize_t n = ::read(read_end.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf.data(), static_cast<std::size_t>(n));
    if (reply.size() > 4096) break;
  }
  if (reply.size() > 1 && reply[0] == 'P') {
    int pid = 0;
    const char* end = reply.data() + reply.size();
    auto [rest, ec] = std::from_chars(reply.data() + 1, end, pid);
    if (ec == std::errc() && rest == end && pid > 0) return pid;
  }
  if (reply.size() > 1 && reply[0] == 'E') {
    return Status(reply.find("already serves") != std::string::npos ? StatusCode::kAlreadyExists
                                                                    : StatusCode::kIoError,
                  reply.substr(1));
  }
  return Internal("the agent process ended before it was ready");
}

Result<AgentExit> RunAgentInForeground(const std::string& home, StoreKey key,
                                       const AgentOptions& options,
                                       const std::function<void(const AgentServer&)>& ready) {
  Harden();
  BC_ASSIGN_OR_RETURN(auto server, AgentServer::Bind(home, std::move(key), options));
  if (ready) ready(*server);
  return ServeWithSignals(*server);
}

}  // namespace backchannel::client
