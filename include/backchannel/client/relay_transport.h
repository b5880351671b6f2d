// The client's I/O seam: how a request reaches a relay and how a relay
// pushes to a listener, below everything the client decides.
//
// RelayClient (relay_client.h) builds every request (path, signature
// headers, body), decodes every reply and runs the listen loop; a
// RelayTransport only carries bytes. Two implementations:
//   - TlsRelayTransport(): the real one, one pinned TLS connection per call
//     (the certificate's SHA-256 must equal the endpoint's pin), a
//     WebSocket for pushes;
//   - tests/testing/in_process_relay.h: the relay's real Router over its
//     real SQLite store in the same process, no sockets and no sleeps.
// Because the requests and the reply decoders are the same for both, a test
// on the in-process transport exercises the client's real wire code and the
// relay's real routing, signature checks and push-session logic.
#ifndef BACKCHANNEL_CLIENT_RELAY_TRANSPORT_H_
#define BACKCHANNEL_CLIENT_RELAY_TRANSPORT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/crypto/certificate_pin.h"

namespace backchannel::client {

struct RelayEndpoint {
  std::string address;  // "host:port"
  CertificatePin pin;   // SHA-256 of the relay's DER certificate
  std::chrono::milliseconds timeout{10000};
  // The relay's announced next certificate (a pin rollover, docs/relay.md):
  // a certificate matching either pin is accepted.
  std::optional<CertificatePin> next_pin{};

  bool Accepts(const CertificatePin& served) const {
    return served == pin || (next_pin && served == *next_pin);
  }
};

using WireHeaders = std::vector<std::pair<std::string, std::string>>;

// One HTTP request as RelayClient made it (signed already when it must be).
struct WireRequest {
  std::string method;  // "GET", "POST", "PUT", "DELETE"
  std::string target;  // path and query
  std::string body;
  std::string content_type;  // empty: no Content-Type header
  WireHeaders headers;
};

// The relay's answer: any HTTP status (RelayClient turns non-2xx into a
// Status) and its body.
struct WireReply {
  unsigned status = 0;
  std::string body;
};

using SteadyTime = std::chrono::steady_clock::time_point;

// One established push connection (a WebSocket for TLS).
class PushChannel {
 public:
  PushChannel() = default;
  virtual ~PushChannel() = default;
  PushChannel(const PushChannel&) = delete;
  PushChannel& operator=(const PushChannel&) = delete;
  PushChannel(PushChannel&&) = delete;
  PushChannel& operator=(PushChannel&&) = delete;
  // The next text frame the relay pushed; nullopt when `deadline` passed
  // first; kUnavailable when the connection dropped.
  virtual Result<std::optional<std::string>> Read(SteadyTime deadline) = 0;
  // Sends a text frame (an ack). kUnavailable when the connection dropped.
  virtual Status Write(const std::string& text) = 0;
  // From any thread (listen_interrupt.h): the Read in progress, or the next
  // one, returns nullopt at once as if its deadline had passed; the channel
  // is not read again after that (the listen ends).
  virtual void Interrupt() = 0;
};

// What opening a push connection gave: a channel, or the relay's refusal of
// the upgrade (a non-101 reply; RelayClient makes it a Status).
struct PushOpening {
  std::unique_ptr<PushChannel> channel;  // null when refused
  WireReply refusal;
};

class RelayTransport {
 public:
  RelayTransport() = default;
  virtual ~RelayTransport() = default;
  RelayTransport(const RelayTransport&) = delete;
  RelayTransport& operator=(const RelayTransport&) = delete;
  RelayTransport(RelayTransport&&) = delete;
  RelayTransport& operator=(RelayTransport&&) = delete;
  // Sends `request` to the relay at `endpoint` and returns its reply, or the
  // transport's failure: kUnavailable (unreachable, timed out, dropped),
  // kUntrusted "relay certificate does not match the pin",
  // kInvalidArgument (a malformed address).
  virtual Result<WireReply> Exchange(const RelayEndpoint& endpoint,
                                     const WireRequest& request) const = 0;
  // Opens a push connection with the (signed) upgrade request; the connection
  // must be made before `connect_by`. The same failures as Exchange.
  virtual Result<PushOpening> OpenPush(const RelayEndpoint& endpoint, const WireRequest& upgrade,
                                       SteadyTime connect_by) const = 0;
};

// The real transport: pinned TLS (thread safe, stateless).
const RelayTransport& TlsRelayTransport();
// Shared ownership of the same, for ClientOptions.
std::shared_ptr<const RelayTransport> SharedTlsRelayTransport();

// Milliseconds since the Unix epoch as the client reads them (message
// times, prekey ages, credential validity, notice intervals). Empty: the
// system clock.
using WallClock = std::function<std::int64_t()>;
std::int64_t SystemWallClockMs();

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_RELAY_TRANSPORT_H_
