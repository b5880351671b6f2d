#include "backchannel/client/relay_client.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/ed25519.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/relay/auth.h"
#include "client/relay_replies.h"

namespace backchannel::client {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;

std::string B64u(ByteView b) { return ToBase64(b, kB64u); }

const RelayTransport& Or(const RelayTransport* t) { return t ? *t : TlsRelayTransport(); }

}  // namespace

std::string CanonicalRequest(std::string_view method, std::string_view path_and_query,
                             std::string_view timestamp_ms, std::string_view nonce, ByteView body) {
  return relay::CanonicalRequest(method, path_and_query, timestamp_ms, nonce, body);
}

MailboxAuthKey GenerateMailboxAuthKey() {
  crypto::Ed25519KeyPair kp = crypto::GenerateEd25519KeyPair();
  MailboxAuthKey k;
  k.public_key = relay::AuthKey(kp.public_key);
  k.secret_key = SecretBytes(kp.secret_key.view());
  return k;
}

RelayClient::RelayClient(RelayEndpoint endpoint, const RelayTransport* transport)
    : endpoint_(std::move(endpoint)), transport_(&Or(transport)) {}

RelayClient::RelayClient(RelayEndpoint endpoint, const MailboxId& mailbox,
                         const SecretBytes& auth_secret_key, const RelayTransport* transport)
    : endpoint_(std::move(endpoint)),
      transport_(&Or(transport)),
      mailbox_path_(B64u(mailbox)),
      auth_secret_key_(&auth_secret_key) {}

namespace {

WireRequest Req(std::string method, std::string target, std::string body = "",
                std::string content_type = "") {
  if (content_type.empty() && (!body.empty() || method == "POST" || method == "PUT")) {
    content_type = "application/json";
  }
  return {std::move(method), std::move(target), std::move(body), std::move(content_type), {}};
}

}  // namespace

Result<std::string> RelayClient::Perform(WireRequest request, bool sign) const {
  crypto::EnsureInitialized();
  if (sign) {
    BC_ASSIGN_OR_RETURN(const relay::RequestSignature h,
                        relay::SignRequestNow(auth_secret_key_->view(), request.method,
                                              request.target, AsBytes(request.body)));
    request.headers.emplace_back("X-BC-Timestamp", h.timestamp);
    request.headers.emplace_back("X-BC-Nonce", h.nonce);
    request.headers.emplace_back("X-BC-Signature", h.signature);
  }
  BC_ASSIGN_OR_RETURN(WireReply res, transport_->Exchange(endpoint_, request));
  if (res.status < 200 || res.status >= 300) {
    return internal::RelayReplyError(res.status, res.body);
  }
  return std::move(res.body);
}

Result<CreatedMailbox> RelayClient::CreateMailbox(const relay::AuthKey& auth_public_key) const {
  Json body = {{"auth_key", B64u(auth_public_key)}};
  BC_ASSIGN_OR_RETURN(auto res, Perform(Req("POST", "/v1/mailboxes", body.dump()), false));
  return internal::DecodeCreatedMailbox(res);
}

#define BC_REQUIRE_AUTH()                                                              \
  do {                                                                                 \
    if (auth_secret_key_ == nullptr || mailbox_path_.empty()) {                        \
      return FailedPrecondition("relay client: this call needs the mailbox auth key"); \
    }                                                                                  \
  } while (0)

Status RelayClient::PutPreKeys(const session::PreKeyBundle& bundle_base,
                               const std::vector<session::OneTimePreKey>& one_time,
                               bool replace_one_time) const {
  BC_REQUIRE_AUTH();
  session::PreKeyBundle base = bundle_base;
  base.one_time_pre_key_id.reset();
  Json keys = Json::array();
  for (const auto& k : one_time) {
    const auto s = session::SerializePublicKey(k.key_pair.public_key);
    keys.push_back({{"id", k.id}, {"key", B64u(s)}});
  }
  Json body = {{"bundle", B64u(session::EncodePreKeyBundle(base))},
               {"one_time", keys},
               {"replace_one_time", replace_one_time}};
  return Perform(Req("PUT", "/v1/mailboxes/" + mailbox_path_ + "/prekeys", body.dump()), true)
      .status();
}

Result<session::PreKeyBundle> RelayClient::FetchBundle(const MailboxId& mailbox,
                                                       const DeliveryToken& delivery_token) const {
  WireRequest r = Req("GET", "/v1/mailboxes/" + B64u(mailbox) + "/bundle");
  r.headers.emplace_back("X-BC-Delivery-Token", B64u(delivery_token));
  BC_ASSIGN_OR_RETURN(auto res, Perform(std::move(r), false));
  return internal::DecodeBundleReply(res);
}

Result<std::string> RelayClient::PostMessage(const MailboxId& mailbox,
                                             const DeliveryToken& delivery_token,
                                             ByteView envelope) const {
  WireRequest r = Req("POST", "/v1/mailboxes/" + B64u(mailbox) + "/messages",
                      std::string(AsString(envelope)), "application/octet-stream");
  r.headers.emplace_back("X-BC-Delivery-Token", B64u(delivery_token));
  BC_ASSIGN_OR_RETURN(auto res, Perform(std::move(r), false));
  return internal::DecodePostedId(res);
}

Result<MessageBatch> RelayClient::ListMessages(int limit) const {
  BC_REQUIRE_AUTH();
  BC_ASSIGN_OR_RETURN(auto res, Perform(Req("GET", "/v1/mailboxes/" + mailbox_path_ +
                                                       "/messages?limit=" + std::to_string(limit)),
                                        true));
  return internal::DecodeMessageBatch(res);
}

Status RelayClient::AckMessage(const std::string& id) const {
  BC_REQUIRE_AUTH();
  return Perform(Req("DELETE", "/v1/mailboxes/" + mailbox_path_ + "/messages/" + id), true)
      .status();
}

Result<MailboxStatus> RelayClient::GetStatus() const {
  BC_REQUIRE_AUTH();
  BC_ASSIGN_OR_RETURN(auto res,
                      Perform(Req("GET", "/v1/mailboxes/" + mailbox_path_ + "/status"), true));
  return internal::DecodeMailboxStatus(res);
}

Result<DeliveryToken> RelayClient::RotateToken() const {
  BC_REQUIRE_AUTH();
  BC_ASSIGN_OR_RETURN(auto res,
                      Perform(Req("POST", "/v1/mailboxes/" + mailbox_path_ + "/token"), true));
  return internal::DecodeRotatedToken(res);
}

Result<RelayPins> RelayClient::GetPins() const {
  BC_ASSIGN_OR_RETURN(auto res, Perform(Req("GET", "/v1/pins"), false));
  return internal::DecodeRelayPins(res);
}

namespace {

// How one WebSocket connection of a listener ended.
struct ListenEnd {
  enum class Kind {
    kDone,     // the handler stopped or the listening time is over
    kDropped,  // the transport failed (kUnavailable): worth a retry
    kFatal,    // anything else: the handler's error, the pin, a 4xx, a bad frame
  };
  Kind kind = Kind::kDone;
  Status status;
};

ListenEnd Fatal(Status s) { return {ListenEnd::Kind::kFatal, std::move(s)}; }
ListenEnd Transport(Status s) {
  const auto kind =
      s.code() == StatusCode::kUnavailable ? ListenEnd::Kind::kDropped : ListenEnd::Kind::kFatal;
  return {kind, std::move(s)};
}

// One connection: connect (not after `connect_by`), upgrade, call
// `on_connected`, then read frames until `deadline`.
ListenEnd ListenOnce(const RelayTransport& transport, const RelayEndpoint& endpoint,
                     const SecretBytes& auth_key, const std::string& target,
                     const PushHandler& handler, Clock::time_point deadline,
                     Clock::time_point connect_by, const std::function<void()>& on_connected,
                     ListenInterrupt* interrupt) {
  auto signed_request = relay::SignRequestNow(auth_key.view(), "GET", target, {});
  if (!signed_request) return Fatal(signed_request.error());
  const relay::RequestSignature& h = *signed_request;
  WireRequest upgrade{"GET", target, "", "", {}};
  upgrade.headers = {
      {"X-BC-Timestamp", h.timestamp}, {"X-BC-Nonce", h.nonce}, {"X-BC-Signature", h.signature}};
  auto opened = transport.OpenPush(endpoint, upgrade, connect_by);
  if (!opened) return Transport(opened.error());
  if (!opened->channel) {
    return Transport(internal::RelayReplyError(opened->refusal.status, opened->refusal.body));
  }
  PushChannel& conn = *opened->channel;
  // Detached on every way out, before the channel goes. A trigger pending
  // from before ends the first read at once: the listen still connected,
  // so its OK means the relay was reached.
  struct Attached {
    ListenInterrupt* interrupt;
    Attached(ListenInterrupt* i, PushChannel* c) : interrupt(i) {
      if (interrupt != nullptr) interrupt->Attach(c);
    }
    ~Attached() {
      if (interrupt != nullptr) interrupt->Detach();
    }
    Attached(const Attached&) = delete;
    Attached& operator=(const Attached&) = delete;
    Attached(Attached&&) = delete;
    Attached& operator=(Attached&&) = delete;
  } attached(interrupt, &conn);
  on_connected();
  for (;;) {
    auto frame = conn.Read(deadline);
    if (!frame) return Transport(frame.error());
    if (!*frame) return {};  // the listening time is over
    auto decoded = internal::DecodePushFrame(**frame);
    if (!decoded) return Fatal(decoded.error());
    if (!*decoded) continue;  // a type this client does not know: ignore
    const PushEvent& event = **decoded;
    bool stop = false;
    auto ack = handler(event, stop);
    if (!ack) return Fatal(ack.error());
    if (*ack && event.kind == PushEvent::Kind::kMessage) {
      Status w = conn.Write(Json{{"type", "ack"}, {"id", event.message.id}}.dump());
      if (!w.ok()) return Transport(std::move(w));
    }
    if (stop) return {};
  }
}

// The delay before the reconnection attempt that follows `failures` failed
// ones: initial * 2^failures, at most max, drawn from [delay/2, delay].
std::chrono::milliseconds Backoff(const ReconnectPolicy& policy, int failures) {
  constexpr std::int64_t kCeiling = std::int64_t{3600} * 1000;  // keeps the draw within 32 bits
  const std::int64_t cap = std::clamp<std::int64_t>(policy.max_backoff.count(), 1, kCeiling);
  std::int64_t delay = std::clamp<std::int64_t>(policy.initial_backoff.count(), 1, cap);
  for (int i = 0; i < failures && delay < cap; ++i) delay = std::min(delay * 2, cap);
  const std::int64_t half = delay / 2;
  return std::chrono::milliseconds(
      half + crypto::RandomUniform(static_cast<std::uint32_t>(delay - half + 1)));
}

// Sleeps `delay` before a reconnection; true when a trigger cut it short.
bool Wait(ListenInterrupt* interrupt, std::chrono::milliseconds delay) {
  if (interrupt != nullptr) return interrupt->WaitFor(delay);
  std::this_thread::sleep_for(delay);
  return false;
}

}  // namespace

Status RelayClient::Listen(const PushHandler& handler, const ListenOptions& options) const {
  BC_REQUIRE_AUTH();
  crypto::EnsureInitialized();
  const std::string target = "/v1/mailboxes/" + mailbox_path_ + "/ws";
  const auto start = Clock::now();
  const auto deadline = options.duration.count() > 0 ? start + options.duration
                                                     : start + std::chrono::hours(24 * 365);
  int reconnections = 0;
  int failures = 0;
  bool ever_connected = false;
  // Each return consumes a trigger (listen_interrupt.h).
  struct Consumed {
    ListenInterrupt* interrupt;
    explicit Consumed(ListenInterrupt* i) : interrupt(i) {}
    ~Consumed() {
      if (interrupt != nullptr) interrupt->Consume();
    }
    Consumed(const Consumed&) = delete;
    Consumed& operator=(const Consumed&) = delete;
    Consumed(Consumed&&) = delete;
    Consumed& operator=(Consumed&&) = delete;
  } consumed(options.interrupt);
  for (;;) {
    bool connected = false;
    auto on_connected = [&] {
      connected = true;
      failures = 0;
      if (ever_connected) {
        ++reconnections;
        if (options.on_connection) {
          options.on_connection({ConnectionEvent::Kind::kReconnected, Status::Ok(), reconnections});
        }
      }
      ever_connected = true;
    };
    // The first connection keeps the endpoint's own timeout, so that an
    // unreachable relay is reported as such; later ones end with the
    // listening time.
    const auto connect_by = ever_connected ? deadline : Clock::time_point::max();
    ListenEnd end = ListenOnce(*transport_, endpoint_, *auth_secret_key_, target, handler, deadline,
                               connect_by, on_connected, options.interrupt);
    if (end.kind == ListenEnd::Kind::kDone) return Status::Ok();
    if (end.kind == ListenEnd::Kind::kFatal || !ever_connected) return end.status;
    if (Clock::now() >= deadline) return Status::Ok();
    if (!options.reconnect.enabled) return end.status;
    if (connected && options.on_connection) {
      options.on_connection({ConnectionEvent::Kind::kDropped, end.status, reconnections});
    }
    const auto delay = Backoff(options.reconnect, failures++);
    const auto left = deadline - Clock::now();
    if (left <= delay) {
      Wait(options.interrupt, std::chrono::duration_cast<std::chrono::milliseconds>(left));
      return Status::Ok();
    }
    if (Wait(options.interrupt, delay)) return Status::Ok();
  }
}

#undef BC_REQUIRE_AUTH

}  // namespace backchannel::client
