// A client for the relay's HTTPS and WebSocket API (docs/relay-api.md).
//
// Every connection is TLS whose server certificate must be the PINNED one:
// the SHA-256 of the leaf's DER encoding must equal the pin, whatever CA or
// name it carries; any other certificate fails the handshake with kUntrusted
// "relay certificate does not match the pin". Requests on a mailbox are
// signed with the mailbox's Ed25519 auth key as the API describes
// ("BC-REQ-1" canonical string, millisecond timestamp, 16-byte nonce).
//
// Calls are synchronous, one TLS connection per call (Listen: one at a time,
// reconnecting after a drop), each bounded by the endpoint's timeout (kUnavailable on expiry or
// when the relay is unreachable). A relay error becomes a Status carrying the relay's code and
// message: "relay: bad_token: ..." with kPermissionDenied (401/403),
// kNotFound (404), kInvalidArgument (400, 413), kResourceExhausted (429,
// 507), kUnavailable (408, 5xx).
//
// The bytes travel over a RelayTransport (relay_transport.h): pinned TLS
// unless another one is given (tests: the in-process relay).
//
// Thread safety: a RelayClient holds no connection between calls; distinct
// objects are safe, a shared object is safe for concurrent const calls.
#ifndef BACKCHANNEL_CLIENT_RELAY_CLIENT_H_
#define BACKCHANNEL_CLIENT_RELAY_CLIENT_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/client/listen_interrupt.h"
#include "backchannel/client/relay_transport.h"
#include "backchannel/common/bytes.h"
#include "backchannel/common/mailbox_address.h"
#include "backchannel/common/result.h"
#include "backchannel/common/secret_bytes.h"
#include "backchannel/relay/ids.h"
#include "backchannel/session/prekeys.h"

namespace backchannel::client {

// A mailbox auth key pair (Ed25519, libsodium crypto_sign): made for one
// mailbox only, never the identity key.
struct MailboxAuthKey {
  relay::AuthKey public_key;
  SecretBytes secret_key;  // 64 bytes, libsodium's seed || public form
};
MailboxAuthKey GenerateMailboxAuthKey();

struct CreatedMailbox {
  MailboxId mailbox;
  DeliveryToken delivery_token;
};

// GET /v1/pins: the certificate the relay serves and, during its pin
// rollover, the one it will serve next (docs/relay.md, "Pin rollover").
struct RelayPins {
  CertificatePin current;
  std::optional<CertificatePin> next;  // never equal to `current`
};

struct RelayMessage {
  std::string id;  // b64u(16), the relay's id (ack with it)
  std::int64_t received_ms = 0;
  Bytes envelope;
};

struct MessageBatch {
  std::vector<RelayMessage> messages;
  std::int64_t one_time_remaining = -1;  // -1 when the relay did not say
};

struct MailboxStatus {
  std::int64_t queued = 0;
  std::int64_t one_time_remaining = 0;
  bool prekeys_low = false;
};

// What a WebSocket listener is told: a message, or that prekeys run low.
struct PushEvent {
  enum class Kind { kMessage, kPrekeysLow };
  Kind kind = Kind::kMessage;
  RelayMessage message;                 // kMessage
  std::int64_t one_time_remaining = 0;  // kPrekeysLow
};
// Returns whether to acknowledge (kMessage) and, via `stop`, whether to end.
using PushHandler = std::function<Result<bool>(const PushEvent& event, bool& stop)>;

// What a listener does when its WebSocket drops after it was established
// (relay restart, network blip): it connects again after a delay that starts
// at `initial_backoff`, doubles after each failed attempt up to
// `max_backoff`, and is drawn at random (libsodium) from [delay/2, delay] so
// that many clients do not come back in step. The delay starts over once a
// connection is established.
struct ReconnectPolicy {
  bool enabled = true;
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

// A change of a listener's connection, reported to the caller.
struct ConnectionEvent {
  enum class Kind { kDropped, kReconnected };
  Kind kind = Kind::kDropped;
  Status cause;           // kDropped: why the connection ended (kUnavailable)
  int reconnections = 0;  // kReconnected: how many so far in this Listen call
};
using ConnectionHandler = std::function<void(const ConnectionEvent&)>;

struct ListenOptions {
  std::chrono::milliseconds duration{0};  // zero: until the handler stops
  ReconnectPolicy reconnect;
  ConnectionHandler on_connection;  // may be empty
  // When given, Trigger() ends the listen with OK (listen_interrupt.h).
  ListenInterrupt* interrupt = nullptr;
};

class RelayClient {
 public:
  // `transport` must outlive the client; null: TlsRelayTransport().
  explicit RelayClient(RelayEndpoint endpoint, const RelayTransport* transport = nullptr);
  // A client that can also make signed requests for `mailbox`.
  RelayClient(RelayEndpoint endpoint, const MailboxId& mailbox, const SecretBytes& auth_secret_key,
              const RelayTransport* transport = nullptr);

  // POST /v1/mailboxes
  Result<CreatedMailbox> CreateMailbox(const relay::AuthKey& auth_public_key) const;
  // PUT /v1/mailboxes/{mb}/prekeys (signed). `bundle_base` has no one-time key.
  Status PutPreKeys(const session::PreKeyBundle& bundle_base,
                    const std::vector<session::OneTimePreKey>& one_time,
                    bool replace_one_time) const;
  // GET /v1/mailboxes/{mb}/bundle with a delivery token. Accepts both the
  // {"bundle"} and the {"bundle_base", "one_time"} response shapes.
  Result<session::PreKeyBundle> FetchBundle(const MailboxId& mailbox,
                                            const DeliveryToken& delivery_token) const;
  // POST /v1/mailboxes/{mb}/messages; the relay's message id once durable.
  Result<std::string> PostMessage(const MailboxId& mailbox, const DeliveryToken& delivery_token,
                                  ByteView envelope) const;
  // GET /v1/mailboxes/{mb}/messages?limit=N (signed), oldest first.
  Result<MessageBatch> ListMessages(int limit = 100) const;
  // DELETE /v1/mailboxes/{mb}/messages/{id} (signed).
  Status AckMessage(const std::string& id) const;
  // GET /v1/mailboxes/{mb}/status (signed).
  Result<MailboxStatus> GetStatus() const;
  // POST /v1/mailboxes/{mb}/token (signed): a new delivery token.
  Result<DeliveryToken> RotateToken() const;
  // GET /v1/pins (unsigned): the relay's pins, read over a connection the
  // endpoint's pins verified. kNotFound from a relay without the endpoint.
  Result<RelayPins> GetPins() const;

  // GET /v1/mailboxes/{mb}/ws (signed upgrade): calls `handler` for every
  // pushed event and sends an ack when it returns true. Returns OK when the
  // handler sets `stop` or `options.duration` passes (zero: no limit), or
  // else the error that ended it:
  //   - the handler's error, at once;
  //   - the first connection's error (the relay was never reached);
  //   - after a drop, only errors that a retry cannot fix end the call: a
  //     certificate that does not match the pin (kUntrusted), a refused
  //     upgrade (4xx: kPermissionDenied, kNotFound, ...), a malformed frame.
  //     kUnavailable (connection lost or refused, timeout, 5xx, close frame)
  //     is retried under `options.reconnect` until the duration is over.
  // On reconnection the relay pushes again everything not yet acknowledged
  // (docs/relay-api.md): the handler must drop what it has already seen.
  Status Listen(const PushHandler& handler, const ListenOptions& options) const;
  Status Listen(const PushHandler& handler, std::chrono::milliseconds duration) const {
    ListenOptions options;
    options.duration = duration;
    return Listen(handler, options);
  }

  const RelayEndpoint& endpoint() const { return endpoint_; }

 private:
  // Sends `request` (signed first when `sign`) and returns a 2xx reply's
  // body, or the relay's refusal as a Status.
  Result<std::string> Perform(WireRequest request, bool sign) const;

  RelayEndpoint endpoint_;
  const RelayTransport* transport_;
  // Our mailbox id as b64u, the text its URL paths carry; empty in a
  // client that makes no signed requests.
  std::string mailbox_path_;
  const SecretBytes* auth_secret_key_ = nullptr;
};

// The canonical string a signed request signs (docs/relay-api.md); exposed
// for tests.
std::string CanonicalRequest(std::string_view method, std::string_view path_and_query,
                             std::string_view timestamp_ms, std::string_view nonce, ByteView body);

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_RELAY_CLIENT_H_
