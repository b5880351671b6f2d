#include "backchannel/client/relay_client.h"

#include <openssl/x509.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cctype>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/certificate_pin.h"
#include "backchannel/crypto/ed25519.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/relay/auth.h"
#include "client/relay_replies.h"

namespace backchannel::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr auto kB64u = Base64Variant::kUrlSafeNoPadding;

std::string B64u(ByteView b) { return ToBase64(b, kB64u); }

// One TLS connection to the relay, pinned, with a deadline on every step.
class Connection {
 public:
  explicit Connection(const RelayEndpoint& ep)
      : endpoint_(ep), ctx_(ssl::context::tls_client), ws_(ioc_, ctx_) {}

  // Connects, within the endpoint's timeout and never after `not_after`.
  Status Connect(Clock::time_point not_after = Clock::time_point::max()) {
    deadline_ = std::min(Clock::now() + endpoint_.timeout, not_after);
    const auto colon = endpoint_.address.rfind(':');
    if (colon == std::string::npos || colon == 0) {
      return InvalidArgument("relay address '" + endpoint_.address + "' is not host:port");
    }
    host_ = endpoint_.address.substr(0, colon);
    if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']') {
      host_ = host_.substr(1, host_.size() - 2);
    }
    const std::string port = endpoint_.address.substr(colon + 1);
    std::string pin = endpoint_.pin;
    for (char& c : pin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto pin_bytes = FromHex(pin);
    if (!pin_bytes || pin_bytes->size() != 32) {
      return InvalidArgument("relay certificate pin must be 64 hex digits");
    }
    pin_ = *pin_bytes;

    // On the stream, not the context: the SSL object copied the context's
    // settings when the stream was built.
    ws_.next_layer().set_verify_mode(ssl::verify_peer);
    ws_.next_layer().set_verify_callback([this](bool /*preverified*/, ssl::verify_context& vc) {
      X509_STORE_CTX* sctx = vc.native_handle();
      if (X509_STORE_CTX_get_error_depth(sctx) != 0) return true;  // only the leaf is pinned
      X509* cert = X509_STORE_CTX_get_current_cert(sctx);
      // The X509_STORE_CTX access above is libssl glue; the DER encoding and
      // its hash are the crypto part's (crypto/certificate_pin.h).
      auto h = crypto::CertificatePinOf(cert);
      if (!h) {
        pin_mismatch_ = true;
        return false;
      }
      const bool match = PublicEqual(*h, pin_);
      if (!match) pin_mismatch_ = true;
      return match;
    });

    tcp::resolver resolver(ioc_);
    tcp::resolver::results_type results;
    auto ec = Run([&](auto handler) {
      resolver.async_resolve(
          host_, port, [&results, handler](beast::error_code e, tcp::resolver::results_type r) {
            results = std::move(r);
            handler(e);
          });
    });
    if (ec) return Unreachable(ec);
    ec = Run([&](auto handler) {
      beast::get_lowest_layer(ws_).async_connect(
          results, [handler](beast::error_code e, const tcp::endpoint&) { handler(e); });
    });
    if (ec) return Unreachable(ec);
    boost::system::error_code not_an_ip;
    (void)asio::ip::make_address(host_, not_an_ip);
    if (not_an_ip) {  // SNI for names only

      SSL_set_tlsext_host_name(ws_.next_layer().native_handle(), host_.c_str());
    }
    ec = Run([&](auto handler) {
      ws_.next_layer().async_handshake(ssl::stream_base::client,
                                       [handler](beast::error_code e) { handler(e); });
    });
    if (pin_mismatch_) {
      return {StatusCode::kUntrusted, "relay certificate does not match the pin"};
    }
    if (ec) return Unreachable(ec);
    return Status::Ok();
  }

  Result<http::response<http::string_body>> Request(
      http::verb verb, const std::string& target, std::string body, std::string content_type,
      const std::vector<std::pair<std::string, std::string>>& headers) {
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, endpoint_.address);
    req.set(http::field::user_agent, "backchannel-client/1");
    if (!body.empty() || verb == http::verb::post || verb == http::verb::put) {
      req.set(http::field::content_type, content_type);
    }
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = std::move(body);
    req.prepare_payload();
    auto ec = Run([&](auto handler) {
      http::async_write(ws_.next_layer(), req,
                        [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec) return Unreachable(ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 * 1024 * 1024);
    ec = Run([&](auto handler) {
      http::async_read(ws_.next_layer(), buffer, parser,
                       [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec) return Unreachable(ec);
    return parser.release();
  }

  Status WsHandshake(const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers) {
    ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
      req.set(http::field::user_agent, "backchannel-client/1");
      for (const auto& [k, v] : headers) req.set(k, v);
    }));
    websocket::response_type res;
    auto ec = Run([&](auto handler) {
      ws_.async_handshake(res, endpoint_.address, target,
                          [handler](beast::error_code e) { handler(e); });
    });
    if (ec == websocket::error::upgrade_declined) {
      return internal::RelayReplyError(res.result_int(), res.body());
    }
    if (ec) return Unreachable(ec);
    ws_.text(true);
    return Status::Ok();
  }

  // Reads one frame; nullopt when the deadline passed.
  Result<std::optional<std::string>> WsRead() {
    beast::flat_buffer buffer;
    auto ec = Run([&](auto handler) {
      ws_.async_read(buffer, [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec == asio::error::timed_out) return std::optional<std::string>();
    if (ec) return Unreachable(ec);
    return std::optional<std::string>(beast::buffers_to_string(buffer.data()));
  }

  Status WsWrite(const std::string& text) {
    auto ec = Run([&](auto handler) {
      ws_.async_write(asio::buffer(text),
                      [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec) return Unreachable(ec);
    return Status::Ok();
  }

  void set_deadline(Clock::time_point d) { deadline_ = d; }

 private:
  // Starts an async operation and runs it to completion or the deadline
  // (then the socket is closed and the result is timed_out).
  template <typename Start>
  beast::error_code Run(Start&& start) {
    bool done = false;
    beast::error_code result;
    start([&done, &result](beast::error_code ec) {
      result = ec;
      done = true;
    });
    ioc_.restart();
    const auto remaining = deadline_ - Clock::now();
    if (remaining > Clock::duration::zero()) ioc_.run_for(remaining);
    if (!done) {
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().close(ignored);
      ioc_.restart();
      ioc_.run();
      return asio::error::timed_out;
    }
    return result;
  }

  Status Unreachable(const beast::error_code& ec) const {
    if (ec == asio::error::timed_out) {
      return {StatusCode::kUnavailable, "relay " + endpoint_.address + ": timed out"};
    }
    return {StatusCode::kUnavailable, "relay " + endpoint_.address + ": " + ec.message()};
  }

  const RelayEndpoint& endpoint_;
  asio::io_context ioc_;
  ssl::context ctx_;
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws_;
  std::string host_;
  Bytes pin_;
  bool pin_mismatch_ = false;
  Clock::time_point deadline_;
};

}  // namespace

std::string CanonicalRequest(std::string_view method, std::string_view path_and_query,
                             std::string_view timestamp_ms, std::string_view nonce, ByteView body) {
  return relay::CanonicalRequest(method, path_and_query, timestamp_ms, nonce, body);
}

MailboxAuthKey GenerateMailboxAuthKey() {
  crypto::Ed25519KeyPair kp = crypto::GenerateEd25519KeyPair();
  MailboxAuthKey k;
  k.public_key = kp.public_key;
  k.secret_key = SecretBytes(kp.secret_key.view());
  return k;
}

RelayClient::RelayClient(RelayEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

RelayClient::RelayClient(RelayEndpoint endpoint, std::string mailbox,
                         const SecretBytes& auth_secret_key)
    : endpoint_(std::move(endpoint)),
      mailbox_(std::move(mailbox)),
      auth_secret_key_(&auth_secret_key) {}

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Call {
  Call(const RelayEndpoint& ep, http::verb v, std::string t, std::string b,
       std::string type = "application/json")
      : endpoint(ep),
        verb(v),
        target(std::move(t)),
        body(std::move(b)),
        content_type(std::move(type)) {}
  const RelayEndpoint& endpoint;
  http::verb verb;
  std::string target;
  std::string body;
  std::string content_type;
  Headers headers;
  const SecretBytes* sign_with = nullptr;
};

Result<http::response<http::string_body>> Perform(Call call) {
  crypto::EnsureInitialized();
  if (call.sign_with != nullptr) {
    BC_ASSIGN_OR_RETURN(const relay::RequestSignature h,
                        relay::SignRequestNow(call.sign_with->view(), http::to_string(call.verb),
                                              call.target, AsBytes(call.body)));
    call.headers.emplace_back("X-BC-Timestamp", h.timestamp);
    call.headers.emplace_back("X-BC-Nonce", h.nonce);
    call.headers.emplace_back("X-BC-Signature", h.signature);
  }
  Connection conn(call.endpoint);
  BC_RETURN_IF_ERROR(conn.Connect());
  BC_ASSIGN_OR_RETURN(auto res, conn.Request(call.verb, call.target, std::move(call.body),
                                             call.content_type, call.headers));
  if (res.result_int() < 200 || res.result_int() >= 300) {
    return internal::RelayReplyError(res.result_int(), res.body());
  }
  return res;
}

}  // namespace

Result<CreatedMailbox> RelayClient::CreateMailbox(
    const std::array<std::uint8_t, 32>& auth_public_key) const {
  Json body = {{"auth_key", B64u(auth_public_key)}};
  BC_ASSIGN_OR_RETURN(auto res,
                      Perform(Call(endpoint_, http::verb::post, "/v1/mailboxes", body.dump())));
  return internal::DecodeCreatedMailbox(res.body());
}

#define BC_REQUIRE_AUTH()                                                              \
  do {                                                                                 \
    if (auth_secret_key_ == nullptr || mailbox_.empty()) {                             \
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
  Call call{endpoint_, http::verb::put, "/v1/mailboxes/" + mailbox_ + "/prekeys", body.dump()};
  call.sign_with = auth_secret_key_;
  return Perform(std::move(call)).status();
}

Result<session::PreKeyBundle> RelayClient::FetchBundle(const std::string& mailbox,
                                                       const std::string& delivery_token) const {
  Call call{endpoint_, http::verb::get, "/v1/mailboxes/" + mailbox + "/bundle", ""};
  call.headers.emplace_back("X-BC-Delivery-Token", delivery_token);
  BC_ASSIGN_OR_RETURN(auto res, Perform(std::move(call)));
  return internal::DecodeBundleReply(res.body());
}

Result<std::string> RelayClient::PostMessage(const std::string& mailbox,
                                             const std::string& delivery_token,
                                             ByteView envelope) const {
  Call call{endpoint_, http::verb::post, "/v1/mailboxes/" + mailbox + "/messages",
            std::string(AsString(envelope)), "application/octet-stream"};
  call.headers.emplace_back("X-BC-Delivery-Token", delivery_token);
  BC_ASSIGN_OR_RETURN(auto res, Perform(std::move(call)));
  return internal::DecodePostedId(res.body());
}

Result<MessageBatch> RelayClient::ListMessages(int limit) const {
  BC_REQUIRE_AUTH();
  Call call{endpoint_, http::verb::get,
            "/v1/mailboxes/" + mailbox_ + "/messages?limit=" + std::to_string(limit), ""};
  call.sign_with = auth_secret_key_;
  BC_ASSIGN_OR_RETURN(auto res, Perform(std::move(call)));
  return internal::DecodeMessageBatch(res.body());
}

Status RelayClient::AckMessage(const std::string& id) const {
  BC_REQUIRE_AUTH();
  Call call{endpoint_, http::verb::delete_, "/v1/mailboxes/" + mailbox_ + "/messages/" + id, ""};
  call.sign_with = auth_secret_key_;
  return Perform(std::move(call)).status();
}

Result<MailboxStatus> RelayClient::GetStatus() const {
  BC_REQUIRE_AUTH();
  Call call{endpoint_, http::verb::get, "/v1/mailboxes/" + mailbox_ + "/status", ""};
  call.sign_with = auth_secret_key_;
  BC_ASSIGN_OR_RETURN(auto res, Perform(std::move(call)));
  return internal::DecodeMailboxStatus(res.body());
}

Result<std::string> RelayClient::RotateToken() const {
  BC_REQUIRE_AUTH();
  Call call{endpoint_, http::verb::post, "/v1/mailboxes/" + mailbox_ + "/token", ""};
  call.sign_with = auth_secret_key_;
  BC_ASSIGN_OR_RETURN(auto res, Perform(std::move(call)));
  return internal::DecodeRotatedToken(res.body());
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
ListenEnd ListenOnce(const RelayEndpoint& endpoint, const SecretBytes& auth_key,
                     const std::string& target, const PushHandler& handler,
                     Clock::time_point deadline, Clock::time_point connect_by,
                     const std::function<void()>& on_connected) {
  auto signed_request = relay::SignRequestNow(auth_key.view(), "GET", target, {});
  if (!signed_request) return Fatal(signed_request.error());
  const relay::RequestSignature& h = *signed_request;
  Connection conn(endpoint);
  if (Status s = conn.Connect(connect_by); !s.ok()) return Transport(std::move(s));
  Status up = conn.WsHandshake(
      target,
      {{"X-BC-Timestamp", h.timestamp}, {"X-BC-Nonce", h.nonce}, {"X-BC-Signature", h.signature}});
  if (!up.ok()) return Transport(std::move(up));
  on_connected();
  conn.set_deadline(deadline);
  for (;;) {
    auto frame = conn.WsRead();
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
      Status w = conn.WsWrite(Json{{"type", "ack"}, {"id", event.message.id}}.dump());
      if (!w.ok()) return Transport(std::move(w));
    }
    if (stop) return {};
  }
}

// The delay before the reconnection attempt that follows `failures` failed
// ones: initial * 2^failures, at most max, drawn from [delay/2, delay].
std::chrono::milliseconds Backoff(const ReconnectPolicy& policy, int failures) {
  constexpr std::int64_t kCeiling = 3600 * 1000;  // keeps the draw within 32 bits
  const std::int64_t cap = std::clamp<std::int64_t>(policy.max_backoff.count(), 1, kCeiling);
  std::int64_t delay = std::clamp<std::int64_t>(policy.initial_backoff.count(), 1, cap);
  for (int i = 0; i < failures && delay < cap; ++i) delay = std::min(delay * 2, cap);
  const std::int64_t half = delay / 2;
  return std::chrono::milliseconds(
      half + crypto::RandomUniform(static_cast<std::uint32_t>(delay - half + 1)));
}

}  // namespace

Status RelayClient::Listen(const PushHandler& handler, const ListenOptions& options) const {
  BC_REQUIRE_AUTH();
  crypto::EnsureInitialized();
  const std::string target = "/v1/mailboxes/" + mailbox_ + "/ws";
  const auto start = Clock::now();
  const auto deadline = options.duration.count() > 0 ? start + options.duration
                                                     : start + std::chrono::hours(24 * 365);
  int reconnections = 0;
  int failures = 0;
  bool ever_connected = false;
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
    ListenEnd end = ListenOnce(endpoint_, *auth_secret_key_, target, handler, deadline, connect_by,
                               on_connected);
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
      std::this_thread::sleep_for(left);
      return Status::Ok();
    }
    std::this_thread::sleep_for(delay);
  }
}

#undef BC_REQUIRE_AUTH

}  // namespace backchannel::client
