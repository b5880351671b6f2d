// Server: backchanneld's network layer. HTTPS and WebSocket over TLS 1.3 on
// one port (Boost.Beast), in front of a Router (router.h) and a Store.
//
//   acceptor ──► one strand per connection ──► HTTP session ──► store pool
//                                         │     (Router::Handle, blocking
//                                         │      store calls, 8 threads)
//                                         └─► WebSocket session (push + acks)
//   Router message listener ──► subscriber registry (mutex) ──► post to the
//                                recipient sessions' strands
//
// One io_context runs on `threads` threads. Each connection's state lives on
// its strand; the subscriber registry is the only shared mutable state and
// is guarded by a mutex.
//
// Thread safety: Start/Stop/Wait may be called from any one thread;
// the object must outlive the io threads (Wait or the destructor joins them).
#ifndef BACKCHANNEL_RELAY_SERVER_H_
#define BACKCHANNEL_RELAY_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "backchannel/common/result.h"
#include "backchannel/relay/router.h"
#include "backchannel/relay/store.h"

namespace backchannel::relay {

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: any free port
  std::string data_dir;           // holds relay-cert.pem and relay-key.pem
  int threads = 2;
  RouterOptions router;
  std::int64_t ttl_ms = 30LL * 24 * 3600 * 1000;
  std::size_t max_connections = 1024;
  std::chrono::milliseconds request_timeout{10'000};
  double rate_per_second = 50;  // per connection, token bucket
  double rate_burst = 100;
};

class Server {
 public:
  // `store` must outlive the Server.
  Server(Store& store, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads or creates the certificate, binds, and starts the io threads.
  Status Start();
  // The bound port (after Start).
  std::uint16_t port() const;
  // SHA-256 of the DER certificate, 64 lower-case hex digits (after Start).
  const std::string& cert_sha256() const;
  Metrics& metrics();

  // Stops accepting, closes connections and stops the io threads. Safe to
  // call from a signal-handler-free context on any thread, more than once.
  void Stop();
  // Blocks until the io threads have finished (after Stop, or after SIGINT or
  // SIGTERM when HandleSignals() was called).
  void Wait();
  // Makes SIGINT/SIGTERM call Stop(). Call before Start().
  void HandleSignals();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_SERVER_H_
