// Router: the relay's HTTP API (docs/relay-api.md) as a pure function from a
// parsed request to a response, with no sockets. The network layer
// (server.h) parses bytes with Beast and hands requests here; tests and the
// fuzz target drive it directly.
//
// Every refused request gets the documented status and a JSON body
// {"error": code, "message": text} and changes nothing in the store: bodies
// and signatures are checked before the request nonce is recorded and before
// any write.
//
// Thread safety: Handle() and the other methods are safe to call concurrently
// (the Store is thread safe; the Router's own state is immutable after
// construction apart from Metrics, which is thread safe). The listener
// callbacks run on the calling thread.
#ifndef BACKCHANNEL_RELAY_ROUTER_H_
#define BACKCHANNEL_RELAY_ROUTER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/relay/limits.h"
#include "backchannel/relay/metrics.h"
#include "backchannel/relay/store.h"

namespace backchannel::relay {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path with query, e.g. "/v1/mailboxes/AbC/messages?limit=5"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header named `name` (case-insensitive), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

struct RouterOptions {
  std::size_t max_envelope = 65536;               // 413 too_large above this
  std::size_t max_json_body = 65536;              // 413 too_large above this
  std::size_t max_queue = 10000;                  // 507 mailbox_full at this many
  std::uint64_t max_mailbox_bytes = 64ULL << 20;  // 507 mailbox_full beyond
  std::uint64_t max_total_bytes = 8ULL << 30;     // 507 storage_full beyond
  std::int64_t timestamp_window_ms = 300'000;
  std::size_t prekeys_low_below = 10;  // "prekeys_low" when fewer remain
  std::size_t max_list_limit = 1000;
  // Bundle fetches (each takes a one-time prekey) per mailbox, whoever asks:
  // a holder of the delivery token cannot drain the prekeys at once
  // (429 `rate_limited`). At most `max_tracked_mailboxes` are tracked.
  RateLimit bundle_rate{0.2, 20};
  std::size_t max_tracked_mailboxes = 65'536;
  // GET /metrics needs "Authorization: Bearer <metrics_token>"; with no
  // token configured /metrics does not exist (404): the counters tell when
  // messages come and go.
  std::string metrics_token;
};

// Milliseconds since the Unix epoch; replaceable in tests.
using Clock = std::function<std::int64_t()>;
std::int64_t SystemClockMs();

// A message accepted for `mailbox` (called after it is durable).
using MessageListener = std::function<void(const MailboxId& mailbox, const StoredMessage& message)>;
// A one-time prekey was taken and only `remaining` are left (below the
// "prekeys_low" threshold).
using PreKeysLowListener = std::function<void(const MailboxId& mailbox, std::size_t remaining)>;

class KeyedBuckets;

class Router {
 public:
  // `store` and `metrics` must outlive the Router.
  Router(Store& store, Metrics& metrics, RouterOptions options = {}, Clock clock = SystemClockMs);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;
  Router(Router&&) = delete;
  Router& operator=(Router&&) = delete;

  // Set before the first Handle(); not synchronized.
  void set_message_listener(MessageListener l) { on_message_ = std::move(l); }
  void set_prekeys_low_listener(PreKeysLowListener l) { on_prekeys_low_ = std::move(l); }
  // The pins GET /v1/pins serves (64 lower-case hex digits each; `next`
  // empty: no rollover announced). Unset: /v1/pins is 404 (the in-process
  // relay of tests, which has no certificate).
  void set_certificate_pins(std::string current, std::string next) {
    pins_current_ = std::move(current);
    pins_next_ = std::move(next);
  }

  HttpResponse Handle(const HttpRequest& request);

  // True when `request` targets the WebSocket endpoint (GET .../ws).
  static bool IsWebSocketTarget(const HttpRequest& request);
  // True when `request` creates a mailbox (POST /v1/mailboxes).
  static bool IsCreateMailbox(const HttpRequest& request);
  // Authenticates a WebSocket upgrade request (signed, like any other);
  // the mailbox on success, the refusal to send otherwise.
  std::variant<MailboxId, HttpResponse> AuthorizeWebSocket(const HttpRequest& request);

  // What a WebSocket session needs (already authenticated).
  Result<std::vector<StoredMessage>> Pending(const MailboxId& mailbox, std::size_t limit);
  // Acknowledges (deletes) a message; kNotFound when it is gone already.
  Status Ack(const MailboxId& mailbox, const MessageId& message);
  Result<std::size_t> OneTimeRemaining(const MailboxId& mailbox);
  // Deletes messages older than `ttl_ms`; returns how many.
  Result<std::size_t> Expire(std::int64_t ttl_ms);
  // Deletes mailboxes whose owner has signed nothing for `idle_ms`, with
  // their data; returns how many.
  Result<std::size_t> DeleteIdleMailboxes(std::int64_t idle_ms);

  const RouterOptions& options() const { return options_; }
  Metrics& metrics() { return metrics_; }

  // A JSON error response; counts a rejection with reason `code`.
  HttpResponse Error(int status, std::string_view code, std::string_view message);

 private:
  struct Route;
  class Auth;

  HttpResponse CreateMailbox(const HttpRequest& r);
  HttpResponse RotateToken(const HttpRequest& r, const MailboxRecord& mb);
  HttpResponse PutPreKeys(const HttpRequest& r, const MailboxRecord& mb);
  HttpResponse GetBundle(const HttpRequest& r, const MailboxRecord& mb);
  HttpResponse PostMessage(const HttpRequest& r, const MailboxRecord& mb);
  HttpResponse ListMessages(const HttpRequest& r, const MailboxRecord& mb, std::string_view query);
  HttpResponse DeleteMessage(const HttpRequest& r, const MailboxRecord& mb, std::string_view id);
  HttpResponse GetStatus(const HttpRequest& r, const MailboxRecord& mb);
  HttpResponse DeleteMailbox(const HttpRequest& r, const MailboxRecord& mb);

  // nullopt when `r` is correctly signed by `mb`'s key (timestamp in window);
  // the refusal otherwise. Records nothing.
  std::optional<HttpResponse> CheckSignature(const HttpRequest& r, const MailboxRecord& mb);
  // Records the request nonce (after every other check passed); the refusal
  // when it was seen before.
  std::optional<HttpResponse> CommitNonce(const HttpRequest& r, const MailboxRecord& mb);
  std::optional<HttpResponse> CheckDeliveryToken(const HttpRequest& r, const MailboxRecord& mb);
  HttpResponse StoreError(const Status& s);
  HttpResponse GetMetrics(const HttpRequest& r);

  // Runs `f` (a store call) and records its latency.
  template <typename F>
  auto Timed(F&& f) -> decltype(f());

  Store& store_;
  Metrics& metrics_;
  RouterOptions options_;
  Clock clock_;
  MessageListener on_message_;
  PreKeysLowListener on_prekeys_low_;
  std::unique_ptr<KeyedBuckets> bundle_fetches_;
  std::string pins_current_;
  std::string pins_next_;
};

// Decoding of WebSocket client frames, i.e. acks (docs/relay-api.md,
// "WebSocket"). kInvalidArgument for anything else.
struct WsClientMessage {
  enum class Type { kAck } type = Type::kAck;
  MessageId id{};
};
Result<WsClientMessage> DecodeWsClientMessage(std::string_view text);

// Relay -> client frames.
std::string EncodeWsMessage(const StoredMessage& message);
std::string EncodeWsPreKeysLow(std::size_t remaining);

// b64u of an id, as URLs and JSON carry it, and back (kInvalidArgument on
// anything but the b64u of 16 bytes).
std::string IdToString(const MailboxId& id);
std::string IdToString(const MessageId& id);
Result<MailboxId> MailboxIdFromString(std::string_view text);
Result<MessageId> MessageIdFromString(std::string_view text);

}  // namespace backchannel::relay

#endif  // BACKCHANNEL_RELAY_ROUTER_H_
