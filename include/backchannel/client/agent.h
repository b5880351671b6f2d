// The agent: a process that holds one home's unlocked store key so that a
// session of commands pays Argon2id (256 MiB, about a second) once, not once
// per command. `backchannel agent start` reads the passphrase, checks it by
// deriving the key against the store's check value, and serves the key on
// `<home>/agent.sock`; commands open the store with it (OpenWithAgent) and
// fall back to the passphrase whenever the agent is absent or unhelpful.
//
// Bounds (docs/client.md, "The agent"; docs/threat_model.md):
// - the socket is created 0600 inside the 0700 home, and every accepted
//   connection is checked with SO_PEERCRED: a peer of another uid is closed
//   unanswered;
// - one fixed-size request per connection (client/agent_protocol.h); the
//   agent reads at most kAgentRequestSize bytes, answers and closes; a
//   connection that has not sent its request within `read_timeout` is
//   closed; at most `max_connections` are open at once (more are closed on
//   arrival); every socket is non-blocking, so no peer can stall the loop;
// - after `idle` without a key request the key is wiped (SecureWipe) and the
//   agent exits and removes its socket; `stop` does the same at once;
// - the key lives in one heap block locked in memory (mlock, when the
//   limit allows) and wiped on every way out.
// One agent per home: it holds an exclusive flock on `<home>/agent.lock`
// for its whole life, so a second start is refused while it lives, and a
// socket left by a dead agent is replaced.
//
// Thread safety: an AgentServer serves from the one thread that calls
// Serve(); Shutdown() may be called from any thread or a signal handler.
// The client functions are safe from any thread.
#ifndef BACKCHANNEL_CLIENT_AGENT_H_
#define BACKCHANNEL_CLIENT_AGENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "backchannel/client/agent_protocol.h"
#include "backchannel/client/client.h"
#include "backchannel/client/home.h"
#include "backchannel/client/local_store.h"
#include "backchannel/common/result.h"

namespace backchannel::client {

std::string AgentSocketPath(const std::string& home);  // <home>/agent.sock
std::string AgentLockPath(const std::string& home);    // <home>/agent.lock

// Milliseconds on a monotonic clock; tests replace it to reach the idle
// timeout without waiting for it.
using AgentClock = std::function<std::int64_t()>;
std::int64_t SteadyClockMs();

struct AgentOptions {
  std::chrono::milliseconds idle{std::chrono::minutes(15)};
  std::chrono::milliseconds read_timeout{2000};
  std::size_t max_connections = 16;
  AgentClock clock = SteadyClockMs;  // for the idle timeout only
};

// Why Serve returned. In every case the key has been wiped and the socket
// removed.
enum class AgentExit { kStopped, kIdle, kShutdown };

class AgentServer {
 public:
  // Takes the home's agent lock, replaces a stale socket and listens on
  // `<home>/agent.sock` (0600). kAlreadyExists "an agent already serves
  // <home>" while another agent lives; kInvalidArgument when the socket path
  // is longer than a unix socket address allows; kIoError otherwise.
  static Result<std::unique_ptr<AgentServer>> Bind(const std::string& home, StoreKey key,
                                                   AgentOptions options = {});
  ~AgentServer();  // wipes the key, closes, removes the socket if still ours
  AgentServer(const AgentServer&) = delete;
  AgentServer& operator=(const AgentServer&) = delete;
  AgentServer(AgentServer&&) = delete;
  AgentServer& operator=(AgentServer&&) = delete;

  // Serves until a stop request, the idle timeout or Shutdown().
  AgentExit Serve();
  // Makes Serve return (kShutdown) soon. Async-signal-safe (one write(2)).
  void Shutdown();

  const std::string& socket_path() const;

 private:
  struct Impl;
  explicit AgentServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// ---- callers ----
// Each connects to `<home>/agent.sock` with a 2 s timeout for connect, send
// and receive, checks that the agent runs under our own uid, and sends one
// request. kUnavailable when no agent answers (no socket, a stale one, a
// timeout); kInvalidMessage for a garbled reply.
Result<StoreKey> AskAgentForKey(const std::string& home);
Result<AgentStatusInfo> QueryAgent(const std::string& home);
Status StopAgent(const std::string& home);

// Opens the client at options.home with the key its agent holds; when there
// is no agent, or it fails in any way, or its key does not open the store,
// falls back silently to today's path: the passphrase from `source`, then
// Client::Open. The errors are those of that fallback.
Result<std::unique_ptr<Client>> OpenWithAgent(const ClientOptions& options,
                                              const PassphraseSource& source);

// Runs an agent for `home` in a child process that detaches from the
// terminal (setsid, stdio on /dev/null) and returns its pid once its socket
// listens; the child's Bind errors are returned here. Our copy of the key is
// wiped before returning. The child hardens itself (no core dumps, no
// ptrace by our uid: PR_SET_DUMPABLE 0) and exits when Serve returns.
Result<int> SpawnAgent(const std::string& home, StoreKey key, const AgentOptions& options);
// The same in this process: hardens it, binds, calls `ready` (e.g. to print
// the pid) and serves until stop, idle or SIGINT/SIGTERM/SIGHUP.
Result<AgentExit> RunAgentInForeground(const std::string& home, StoreKey key,
                                       const AgentOptions& options,
                                       const std::function<void(const AgentServer&)>& ready);

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_AGENT_H_
