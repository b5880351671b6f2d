#include "relay/server/tls_test_client.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <optional>
#include <sstream>

#include "backchannel/common/encoding.h"

namespace backchannel::relay::testing {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

Status FromEc(const beast::error_code& ec, const char* what) {
  return {StatusCode::kUnavailable, std::string(what) + ": " + ec.message()};
}

}  // namespace

struct TlsTestClient::Impl {
  net::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  std::string pin;
  std::optional<beast::ssl_stream<tcp::socket>> stream;
  std::optional<websocket::stream<beast::ssl_stream<tcp::socket>>> ws;
  beast::flat_buffer buf;
};

TlsTestClient::TlsTestClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsTestClient::~TlsTestClient() = default;

Result<std::unique_ptr<TlsTestClient>> TlsTestClient::Connect(std::uint16_t port,
                                                              const std::string& pin_hex,
                                                              const std::string& before_tls) {
  auto impl = std::make_unique<Impl>();
  impl->pin = pin_hex;
  SSL_CTX_set_min_proto_version(impl->ctx.native_handle(), TLS1_3_VERSION);
  impl->ctx.set_verify_mode(ssl::verify_peer);
  // Pinning: the leaf certificate's DER SHA-256 must equal the pin; the chain
  // is self-signed, so OpenSSL's own verdict (preverified) is ignored.
  impl->ctx.set_verify_callback([pin = pin_hex](bool, ssl::verify_context& vc) {
    X509_STORE_CTX* sc = vc.native_handle();
    if (X509_STORE_CTX_get_error_depth(sc) != 0) return true;
    X509* cert = X509_STORE_CTX_get_current_cert(sc);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (cert == nullptr || X509_digest(cert, EVP_sha256(), md, &len) != 1) return false;
    return ToHex(ByteView(md, len)) == pin;
  });
  impl->stream.emplace(impl->ioc, impl->ctx);
  beast::error_code ec;
  beast::get_lowest_layer(*impl->stream)
      .connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return FromEc(ec, "connect");
  if (!before_tls.empty()) {
    net::write(beast::get_lowest_layer(*impl->stream), net::buffer(before_tls), ec);
    if (ec) return FromEc(ec, "write before TLS");
  }
  impl->stream->handshake(ssl::stream_base::client, ec);
  if (ec) return FromEc(ec, "TLS handshake");
  return std::unique_ptr<TlsTestClient>(new TlsTestClient(std::move(impl)));
}

Result<HttpResponse> TlsTestClient::Request(
    const std::string& method, const std::string& target, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  beast::error_code ec;
  http::write(*impl_->stream, req, ec);
  if (ec) return FromEc(ec, "write");
  http::response<http::string_body> res;
  http::read(*impl_->stream, impl_->buf, res, ec);
  if (ec) return FromEc(ec, "read");
  return HttpResponse{int(res.result_int()), std::string(res[http::field::content_type]),
                      res.body()};
}

Result<HttpResponse> TlsTestClient::RawRequest(const std::string& bytes) {
  beast::error_code ec;
  net::write(*impl_->stream, net::buffer(bytes), ec);
  if (ec) return FromEc(ec, "write");
  http::response<http::string_body> res;
  http::read(*impl_->stream, impl_->buf, res, ec);
  if (ec) return FromEc(ec, "read");
  return HttpResponse{int(res.result_int()), std::string(res[http::field::content_type]),
                      res.body()};
}

Status TlsTestClient::WriteRaw(const std::string& bytes) {
  beast::error_code ec;
  net::write(*impl_->stream, net::buffer(bytes), ec);
  if (ec) return FromEc(ec, "write");
  return {};
}

Result<HttpResponse> TlsTestClient::ReadResponse(std::chrono::milliseconds timeout) {
  http::response<http::string_body> res;
  beast::error_code result = net::error::would_block;
  http::async_read(*impl_->stream, impl_->buf, res,
                   [&](beast::error_code ec, std::size_t) { result = ec; });
  impl_->ioc.restart();
  impl_->ioc.run_for(timeout);
  if (result == net::error::would_block) {
    beast::get_lowest_layer(*impl_->stream).cancel();
    impl_->ioc.restart();
    impl_->ioc.run();
    return Status(StatusCode::kUnavailable, "no response before the timeout");
  }
  if (result) return FromEc(result, "read");
  return HttpResponse{int(res.result_int()), std::string(res[http::field::content_type]),
                      res.body()};
}

Status TlsTestClient::WaitClosed(std::chrono::milliseconds timeout) {
  char byte = 0;
  beast::error_code result = net::error::would_block;
  std::size_t got = 0;
  impl_->stream->async_read_some(net::buffer(&byte, 1), [&](beast::error_code ec, std::size_t n) {
    result = ec;
    got = n;
  });
  impl_->ioc.restart();
  impl_->ioc.run_for(timeout);
  if (result == net::error::would_block) {
    beast::get_lowest_layer(*impl_->stream).cancel();
    impl_->ioc.restart();
    impl_->ioc.run();
    return Status(StatusCode::kUnavailable, "still open after the timeout");
  }
  if (got > 0) return Status(StatusCode::kInternal, "the relay sent data");
  if (result == net::error::eof || result == ssl::error::stream_truncated ||
      result == net::error::connection_reset) {
    return {};
  }
  return FromEc(result, "read");
}

Status TlsTestClient::OpenWebSocket(
    const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers) {
  impl_->ws.emplace(std::move(*impl_->stream));
  impl_->stream.reset();
  impl_->ws->set_option(websocket::stream_base::decorator([headers](websocket::request_type& r) {
    for (const auto& [k, v] : headers) r.set(k, v);
  }));
  beast::error_code ec;
  impl_->ws->handshake("127.0.0.1", target, ec);
  if (ec) return FromEc(ec, "websocket handshake");
  return {};
}

Result<std::string> TlsTestClient::ReadFrame(std::chrono::milliseconds timeout) {
  auto& ws = *impl_->ws;
  beast::error_code result = net::error::would_block;
  impl_->buf.clear();
  ws.async_read(impl_->buf, [&](beast::error_code ec, std::size_t) { result = ec; });
  impl_->ioc.restart();
  impl_->ioc.run_for(timeout);
  if (result == net::error::would_block) {
    beast::get_lowest_layer(ws).cancel();
    impl_->ioc.restart();
    impl_->ioc.run();
    return Status(StatusCode::kUnavailable, "no frame before the timeout");
  }
  if (result) return FromEc(result, "websocket read");
  return beast::buffers_to_string(impl_->buf.data());
}

Status TlsTestClient::WriteFrame(const std::string& text) {
  beast::error_code ec;
  impl_->ws->text(true);
  impl_->ws->write(net::buffer(text), ec);
  if (ec) return FromEc(ec, "websocket write");
  return {};
}

int TlsTestClient::CloseCode() const { return impl_->ws ? int(impl_->ws->reason().code) : 0; }

}  // namespace backchannel::relay::testing
