// The real RelayTransport (relay_transport.h): one pinned TLS connection
// per call, a WebSocket over it for pushes. Every step is bounded by the
// endpoint's timeout (kUnavailable on expiry); a certificate whose SHA-256
// is not the pin fails the handshake with kUntrusted.
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdint>
#include <utility>

#include "backchannel/client/relay_transport.h"
#include "backchannel/crypto/certificate_pin.h"
#include "backchannel/crypto/tls.h"

namespace backchannel::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

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
    // On the stream, not the context: the SSL object copied the context's
    // settings when the stream was built.
    ws_.next_layer().set_verify_mode(ssl::verify_peer);
    ws_.next_layer().set_verify_callback([this](bool /*preverified*/, ssl::verify_context& vc) {
      auto h = crypto::LeafPinUnderVerification(vc.native_handle());
      if (!h) {
        pin_mismatch_ = true;
        return false;
      }
      if (!h->has_value()) return true;  // only the leaf is pinned
      const bool match = endpoint_.Accepts(**h);
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
      BC_RETURN_IF_ERROR(crypto::SetServerName(ws_.next_layer().native_handle(), host_));
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

  Result<http::response<http::string_body>> Request(const WireRequest& r) {
    const http::verb verb = http::string_to_verb(r.method);
    if (verb == http::verb::unknown) return InvalidArgument("unknown HTTP method " + r.method);
    http::request<http::string_body> req{verb, r.target, 11};
    req.set(http::field::host, endpoint_.address);
    req.set(http::field::user_agent, "backchannel-client/1");
    if (!r.content_type.empty()) req.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) req.set(k, v);
    req.body() = r.body;
    req.prepare_payload();
    auto ec = Run([&](auto handler) {
      http::async_write(ws_.next_layer(), req,
                        [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec) return Unreachable(ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::uint64_t{16} * 1024 * 1024);
    ec = Run([&](auto handler) {
      http::async_read(ws_.next_layer(), buffer, parser,
                       [handler](beast::error_code e, std::size_t) { handler(e); });
    });
    if (ec) return Unreachable(ec);
    return parser.release();
  }

  // The upgrade; `refusal` receives a declined upgrade's reply.
  Status WsHandshake(const std::string& target, const WireHeaders& headers, WireReply& refusal) {
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
      refusal = {res.result_int(), res.body()};
      return Status::Ok();
    }
    if (ec) return Unreachable(ec);
    ws_.text(true);
    return Status::Ok();
  }

  // Reads one frame; nullopt when the deadline passed or Interrupt() was
  // called.
  Result<std::optional<std::string>> WsRead() {
    beast::flat_buffer buffer;
    auto ec = Run(
        [&](auto handler) {
          ws_.async_read(buffer, [handler](beast::error_code e, std::size_t) { handler(e); });
        },
        true);
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

  // From another thread: io_context::stop is thread-safe and makes the
  // run_for in progress return at once; the flag covers a read that has not
  // started yet (its restart() would clear the stop).
  void Interrupt() {
    interrupted_ = true;
    ioc_.stop();
  }

 private:
  // Starts an async operation and runs it to completion or the deadline
  // (then the socket is closed and the result is timed_out). An
  // `interruptible` one (a read) ends like that on Interrupt() too; any
  // other (an ack's write) runs on through an interrupt's stop.
  template <typename Start>
  beast::error_code Run(Start&& start, bool interruptible = false) {
    bool done = false;
    beast::error_code result;
    start([&done, &result](beast::error_code ec) {
      result = ec;
      done = true;
    });
    for (;;) {
      ioc_.restart();
      if (interruptible && interrupted_) break;
      const auto remaining = deadline_ - Clock::now();
      if (remaining <= Clock::duration::zero()) break;
      ioc_.run_for(remaining);
      // run_for returns when the work ran out (done), at the deadline, or
      // on Interrupt()'s stop: only the last goes round again, once.
      if (done || Clock::now() >= deadline_ || interruptible) break;
    }
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
  bool pin_mismatch_ = false;
  Clock::time_point deadline_;
  std::atomic<bool> interrupted_{false};
};

class TlsPushChannel final : public PushChannel {
 public:
  explicit TlsPushChannel(const RelayEndpoint& endpoint)
      : endpoint_(endpoint), conn_(std::make_unique<Connection>(endpoint_)) {}
  Connection& conn() { return *conn_; }

  Result<std::optional<std::string>> Read(SteadyTime deadline) override {
    conn_->set_deadline(deadline);
    return conn_->WsRead();
  }
  Status Write(const std::string& text) override { return conn_->WsWrite(text); }
  void Interrupt() override { conn_->Interrupt(); }

 private:
  RelayEndpoint endpoint_;  // the connection refers to it
  std::unique_ptr<Connection> conn_;
};

class Tls final : public RelayTransport {
 public:
  Result<WireReply> Exchange(const RelayEndpoint& endpoint,
                             const WireRequest& request) const override {
    Connection conn(endpoint);
    BC_RETURN_IF_ERROR(conn.Connect());
    BC_ASSIGN_OR_RETURN(auto res, conn.Request(request));
    return WireReply{res.result_int(), std::move(res.body())};
  }

  Result<PushOpening> OpenPush(const RelayEndpoint& endpoint, const WireRequest& upgrade,
                               SteadyTime connect_by) const override {
    auto channel = std::make_unique<TlsPushChannel>(endpoint);
    BC_RETURN_IF_ERROR(channel->conn().Connect(connect_by));
    PushOpening out;
    BC_RETURN_IF_ERROR(channel->conn().WsHandshake(upgrade.target, upgrade.headers, out.refusal));
    if (out.refusal.status == 0) out.channel = std::move(channel);
    return out;
  }
};

}  // namespace

const RelayTransport& TlsRelayTransport() {
  static const Tls tls;
  return tls;
}

std::shared_ptr<const RelayTransport> SharedTlsRelayTransport() {
  // Not owned: the static lives for the whole program.
  return {std::shared_ptr<const RelayTransport>(), &TlsRelayTransport()};
}

std::int64_t SystemWallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace backchannel::client
