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
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/relay/limits.h"
#include "backchannel/relay/router.h"
#include "backchannel/relay/store.h"

namespace backchannel::relay {

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 0;  // 0: any free port
  std::string data_dir;           // holds relay-cert.pem and relay-key.pem
  // Both set: the TLS identity is these files instead (LoadTlsIdentityFiles
  // in src/relay/server/tls_cert.h: mode 0600, this user's).
  std::string tls_cert_file;
  std::string tls_key_file;
  // A pin rollover (docs/relay.md): the certificate this deployment will
  // serve next. Only its pin is used, served on GET /v1/pins so clients
  // learn it before the switch. Empty: none.
  std::string tls_next_cert_file;
  int threads = 2;
  RouterOptions router;
  std::int64_t ttl_ms = 30LL * 24 * 3600 * 1000;
  // A mailbox whose owner has signed no request for this long is deleted
  // with its data (a side may be offline for months: the default is 400
  // days). Checked with the TTL.
  std::int64_t mailbox_idle_days = 400;
  // Beyond this many open connections a new one gets 503
  // `too_many_connections` (after its TLS handshake and request) and is
  // closed; while 64 such refusals are pending, at once.
  std::size_t max_connections = 1024;
  // Time for one request (headers and body), and the keep-alive idle time.
  // A request not complete in time gets 408 `timeout`; a connection idle
  // between requests is closed without a response.
  std::chrono::milliseconds request_timeout{10'000};
  // StopGracefully (and SIGTERM/SIGINT): how long requests in flight and
  // WebSocket close handshakes may take before the io threads stop.
  std::chrono::milliseconds stop_grace{2'000};
  // Requests per connection (429 `rate_limited` beyond).
  RateLimit rate{50, 100};

  // Hostile peers (docs/relay.md, "Limits"; docs/threat_model.md).
  // The most bytes of one request header; 431 `header_too_large` beyond.
  std::size_t header_limit = std::size_t{16} * 1024;
  // Time for the TLS handshake (and the WebSocket upgrade's).
  std::chrono::milliseconds handshake_timeout{5'000};
  // Per address group (an IPv4 address or an IPv6 /64): open connections
  // (503 `too_many_connections_from_address`), requests and mailbox
  // creations (429 `rate_limited`). Generous enough for a ministry behind
  // one NAT. The table is in memory only, never logged, and holds at most
  // `max_tracked_addresses` groups whose limits are in use.
  std::size_t max_connections_per_address = 256;
  RateLimit address_rate{200, 400};
  RateLimit address_mailbox_rate{1, 60};
  std::size_t max_tracked_addresses = 65'536;
  // Load balancers ("192.0.2.10", "10.0.0.0/8", "2001:db8::/32") whose
  // connections start with a PROXY protocol v2 header naming the client,
  // which the per-address limits then count. From any other address a
  // PROXY header is not accepted (it fails the TLS handshake).
  std::vector<std::string> trusted_proxies;
  // WebSockets: the most open at once on one mailbox (429
  // `too_many_websockets`); the idle time after which a peer that answered
  // no ping is dropped (pings go out at half of it); the rate of client
  // frames read (a faster peer is read more slowly, not refused).
  std::size_t max_websockets_per_mailbox = 4;
  std::chrono::milliseconds ws_idle_timeout{60'000};
  RateLimit ws_frame_rate{200, 512};
};

class Server {
 public:
  // `store` must outlive the Server.
  Server(Store& store, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  Server(Server&&) = delete;
  Server& operator=(Server&&) = delete;

  // Loads or creates the certificate, binds, and starts the io threads.
  Status Start();
  // The bound port (after Start).
  std::uint16_t port() const;
  // SHA-256 of the DER certificate, 64 lower-case hex digits (after Start).
  const std::string& cert_sha256() const;
  // The same for --tls-next-cert; empty when there is none.
  const std::string& next_cert_sha256() const;
  Metrics& metrics();

  // Stops the io threads at once (connections are dropped; store calls
  // already running finish). Safe to call from any thread, more than once.
  void Stop();
  // Stops accepting; lets requests in flight (being received, handled or
  // answered) finish, answering them with "Connection: close"; closes idle
  // connections; sends every WebSocket a close frame 1001 (going away); then
  // stops the io threads once no connection is left or stop_grace has
  // passed. Returns at once; Wait() joins. Any thread, more than once.
  void StopGracefully();
  // Blocks until the io threads have finished (after Stop, StopGracefully, or
  // SIGINT or SIGTERM when HandleSignals() was called).
  void Wait();
  // Makes the first SIGINT/SIGTERM call StopGracefully() and a second one
  // Stop(). Call before Start().
  void HandleSignals();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_SERVER_H_
