// A small blocking HTTP/1.1 client over a real socket for the web app's
// tests: each request on its own connection, every header set by hand (so
// a test can send a foreign Host or Origin as a browser on another site
// would), and an event-stream reader with a deadline.
#ifndef BACKCHANNEL_TESTS_WEBAPP_HTTP_TEST_CLIENT_H_
#define BACKCHANNEL_TESTS_WEBAPP_HTTP_TEST_CLIENT_H_

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace backchannel::webapp::testing {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // last value of each
  std::string body;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

using Headers = std::map<std::string, std::string>;

inline Reply Http(unsigned short port, const std::string& method, const std::string& target,
                  const Headers& headers, const std::string& body = "") {
  namespace net = boost::asio;
  namespace http = boost::beast::http;
  net::io_context io;
  net::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({net::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {};
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(socket, req, ec);
  if (ec) return {};
  boost::beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  http::read(socket, buf, parser, ec);
  Reply r;
  if (ec && ec != http::error::end_of_stream) return r;
  const auto& res = parser.get();
  r.status = static_cast<int>(res.result_int());
  for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
  r.body = res.body();
  return r;
}

// An open /api/events stream: reads until `needle` appears or `wait` ends.
class EventStream {
 public:
  EventStream(unsigned short port, const Headers& headers) : socket_(io_) {
    namespace net = boost::asio;
    boost::system::error_code ec;
    socket_.connect({net::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return;
    timeval tv{0, 100'000};  // 100 ms reads, looped until the deadline
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string req = "GET /api/events HTTP/1.1\r\n";
    for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
    req += "\r\n";
    net::write(socket_, net::buffer(req), ec);
  }
  // Everything received so far once `needle` was seen; empty on timeout.
  std::string ReadUntil(const std::string& needle, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
      if (seen_.find(needle) != std::string::npos) return seen_;
      char chunk[4096];
      const ssize_t n = ::recv(socket_.native_handle(), chunk, sizeof chunk, 0);
      if (n > 0) seen_.append(chunk, static_cast<std::size_t>(n));
      if (n == 0) break;
    }
    return seen_.find(needle) != std::string::npos ? seen_ : std::string();
  }
  const std::string& seen() const { return seen_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
  std::string seen_;
};

}  // namespace backchannel::webapp::testing

#endif  // BACKCHANNEL_TESTS_WEBAPP_HTTP_TEST_CLIENT_H_
