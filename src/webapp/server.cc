// The web app's HTTP/1.1 server (server.h), with Beast and C++20
// coroutines on one I/O thread; the only translation unit of src/webapp
// that includes Beast.
#include "backchannel/webapp/server.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <iomanip>
#include <sstream>
#include <thread>

#include "backchannel/webapp/security_gate.h"

namespace backchannel::webapp {
namespace {

// What the keep-alive wait reads: the start of the next request.
constexpr std::size_t kFirstRead = 1024;

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using beast::error_code;
using RequestParser = http::request_parser<http::string_body>;

// A header field as a string; nothing when absent.
std::optional<std::string> Field(const http::request<http::string_body>& req, http::field f) {
  auto it = req.find(f);
  if (it == req.end()) return std::nullopt;
  return std::string(it->value());
}
std::optional<std::string> Field(const http::request<http::string_body>& req,
                                 std::string_view name) {
  auto it = req.find(name);
  if (it == req.end()) return std::nullopt;
  return std::string(it->value());
}

HttpRequest ToRequest(http::request<http::string_body>& req) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.host = Field(req, http::field::host).value_or("");
  r.origin = Field(req, http::field::origin);
  r.sec_fetch_site = Field(req, "Sec-Fetch-Site");
  r.cookie = Field(req, http::field::cookie).value_or("");
  r.content_type = Field(req, http::field::content_type).value_or("");
  r.body = std::move(req.body());
  return r;
}

// The Server-Timing value of an /api answer: its wait for the worker (a
// relay listen to end, jobs ahead of it) and its run there, in ms.
std::string ServerTiming(std::chrono::steady_clock::duration waited,
                         std::chrono::steady_clock::duration ran) {
  using Ms = std::chrono::duration<double, std::milli>;
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << "wait;dur=" << Ms(waited).count()
       << ", run;dur=" << Ms(ran).count();
  return text.str();
}

// Counts open connections; one slot per connection, released on every way
// out of its coroutine.
class Slot {
 public:
  explicit Slot(std::atomic<std::size_t>& open) : open_(open) { ++open_; }
  ~Slot() { --open_; }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
  Slot(Slot&&) = delete;
  Slot& operator=(Slot&&) = delete;

 private:
  std::atomic<std::size_t>& open_;
};

// Leaves the hub when the SSE coroutine ends, however it ends.
class Subscribed {
 public:
  Subscribed(SseHub& hub, std::shared_ptr<SseHub::Subscription> sub)
      : hub_(hub), sub_(std::move(sub)) {}
  ~Subscribed() {
    if (sub_) hub_.Unsubscribe(sub_);
  }
  Subscribed(const Subscribed&) = delete;
  Subscribed& operator=(const Subscribed&) = delete;
  Subscribed(Subscribed&&) = delete;
  Subscribed& operator=(Subscribed&&) = delete;
  SseHub::Subscription* get() const { return sub_.get(); }

 private:
  SseHub& hub_;
  std::shared_ptr<SseHub::Subscription> sub_;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, ApiRouter& r, const SessionTable& s, const StaticFiles& f, SseHub& h,
       net::any_io_executor api)
      : options(std::move(o)),
        router(r),
        sessions(s),
        files(f),
        hub(h),
        api_executor(std::move(api)) {}

  ServerOptions options;
  ApiRouter& router;
  const SessionTable& sessions;
  const StaticFiles& files;
  SseHub& hub;
  net::any_io_executor api_executor;
  net::io_context io{1};
  tcp::acceptor acceptor{io};
  std::optional<SecurityGate> gate;
  std::atomic<std::size_t> open{0};
  std::uint16_t port = 0;
  std::thread thread;

  net::awaitable<void> Accept() {
    for (;;) {
      error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
      if (ec == net::error::operation_aborted) co_return;
      if (ec) continue;  // EMFILE and the like: the next accept may succeed
      if (open.load() >= options.max_connections) {
        // Over the cap: closed on arrival, nothing read.
        socket.close(ec);
        continue;
      }
      net::co_spawn(io, Connection(beast::tcp_stream(std::move(socket))), net::detached);
    }
  }

  net::awaitable<void> Connection(beast::tcp_stream stream) {
    Slot slot(open);
    beast::flat_buffer buf(options.header_limit + 1024);
    for (;;) {
      RequestParser parser;
      parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
      parser.body_limit(options.body_limit);
      error_code ec;
      // Three bounds, so a slow sender cannot hold a connection slot for
      // long: idle until the first bytes of a request (the keep-alive),
      // then the whole header within header_timeout, then the body within
      // read_timeout.
      if (buf.size() == 0) {
        stream.expires_after(options.keep_alive);
        const std::size_t n = co_await stream.async_read_some(
            buf.prepare(kFirstRead), net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return;  // gone, or idle past the keep-alive: nothing to answer
        buf.commit(n);
      }
      stream.expires_after(options.header_timeout);
      co_await http::async_read_header(stream, buf, parser,
                                       net::redirect_error(net::use_awaitable, ec));
      if (!ec && parser.get().find(http::field::transfer_encoding) != parser.get().end()) {
        // No route takes a chunked body; refusing it keeps chunk extensions
        // and trailers (unbounded in Beast 1.81) out of reach.
        co_await Write(stream, ErrorResponse(411, "length_required", "send a Content-Length"), 11,
                       false);
        co_return;
      }
      if (!ec && !parser.is_done()) {
        stream.expires_after(options.read_timeout);
        co_await http::async_read(stream, buf, parser, net::redirect_error(net::use_awaitable, ec));
      }
      if (ec) {
        if (ec == http::error::body_limit) {
          co_await Write(stream,
                         ErrorResponse(413, "too_large", "a request body is at most 256 KiB"), 11,
                         false);
        } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
          co_await Write(stream, ErrorResponse(431, "header_too_large", "request header too large"),
                         11, false);
        } else if (ec != beast::error::timeout && ec != http::error::end_of_stream &&
                   ec != net::error::eof && ec != net::error::connection_reset &&
                   ec != net::error::operation_aborted) {
          co_await Write(stream, ErrorResponse(400, "bad_request", "malformed HTTP request"), 11,
                         false);
        }
        co_return;
      }
      http::request<http::string_body> raw = parser.release();
      const unsigned version = raw.version();
      const bool keep_alive = raw.keep_alive();
      const bool gzip =
          Field(raw, http::field::accept_encoding).value_or("").find("gzip") != std::string::npos;
      HttpRequest request = ToRequest(raw);
      const std::string path(PathOf(request.target));
      if (auto refused = gate->Check(request)) {
        co_await Write(stream, *refused, version, false);
        co_return;
      }
      if (path == "/api/events") {
        if (request.method != "GET") {
          co_await Write(stream, ErrorResponse(405, "method_not_allowed", "GET only"), version,
                         false);
          co_return;
        }
        if (!sessions.Check(request.cookie)) {
          co_await Write(stream, ErrorResponse(401, "no_session", "no session"), version, false);
          co_return;
        }
        co_await Events(stream, version);
        co_return;
      }
      HttpResponse response;
      if (path.substr(0, 5) == "/api/") {
        response = co_await OnWorker(request);
      } else if (request.method != "GET" && request.method != "HEAD") {
        response = ErrorResponse(405, "method_not_allowed", "the page's files are read with GET");
      } else if (auto file = files.Get(path, gzip)) {
        response = std::move(*file);
      } else {
        response = ErrorResponse(404, "not_found", "no such file");
      }
      if (!co_await Write(stream, response, version, keep_alive) || !keep_alive) co_return;
    }
  }

  // The router's answer, computed on the backend's worker (which serialises
  // every client call). `api_queued` is told just before the job is queued:
  // a worker blocked in a relay listen wakes, and its next listen waits
  // until the job has run (holder.h). The answer's Server-Timing says how
  // long it waited for the worker and how long it ran there (the page's
  // speed figures split on it: docs/webapp.md "Server-Timing").
  net::awaitable<HttpResponse> OnWorker(HttpRequest& request) {
    co_return co_await net::async_initiate<decltype(net::use_awaitable), void(HttpResponse)>(
        [this, &request](auto handler) {
          auto back = net::get_associated_executor(handler, io.get_executor());
          const auto queued = std::chrono::steady_clock::now();
          // Before the post: the holder counts the job in before it can
          // count itself out on the worker (holder.h, Wake).
          if (options.api_queued) options.api_queued();
          net::post(api_executor, [this, &request, back, queued,
                                   handler = std::move(handler)]() mutable {
            const auto started = std::chrono::steady_clock::now();
            HttpResponse answer = router.Handle(request);
            answer.headers.emplace_back(
                "Server-Timing",
                ServerTiming(started - queued, std::chrono::steady_clock::now() - started));
            net::post(back, [handler = std::move(handler), answer = std::move(answer)]() mutable {
              std::move(handler)(std::move(answer));
            });
          });
        },
        net::use_awaitable);
  }

  // True when written.
  net::awaitable<bool> Write(beast::tcp_stream& stream, const HttpResponse& res, unsigned version,
                             bool keep_alive) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::content_type, res.content_type);
    for (const auto& [k, v] : SecurityHeaders(res.html)) out.set(k, v);
    for (const auto& [k, v] : res.headers) out.insert(k, v);
    out.body() = res.body;
    out.keep_alive(keep_alive);
    out.prepare_payload();
    error_code ec;
    stream.expires_after(options.read_timeout);
    co_await http::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
    co_return !ec;
  }

  // The event stream: the header, then each published event and a comment
  // line every ping_interval, until the page goes or the server stops.
  net::awaitable<void> Events(beast::tcp_stream& stream, unsigned version) {
    auto timer = std::make_shared<net::steady_timer>(io);
    std::weak_ptr<net::steady_timer> weak = timer;
    auto exec = io.get_executor();
    Subscribed sub(hub, hub.Subscribe([exec, weak] {
      // From the publishing thread: wake the writer on ours.
      net::post(exec, [weak] {
        if (auto t = weak.lock()) t->cancel();
      });
    }));
    if (sub.get() == nullptr) {
      co_await Write(stream, ErrorResponse(503, "too_many_streams", "too many open event streams"),
                     version, false);
      co_return;
    }
    http::response<http::empty_body> head{http::status::ok, version};
    head.set(http::field::content_type, "text/event-stream");
    for (const auto& [k, v] : SecurityHeaders(false)) head.set(k, v);
    head.keep_alive(true);
    http::response_serializer<http::empty_body> sr{head};
    error_code ec;
    stream.expires_after(options.read_timeout);
    co_await http::async_write_header(stream, sr, net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return;
    std::string pending = ": connected\n\n";
    for (;;) {
      pending += sub.get()->Take();
      if (!pending.empty()) {
        stream.expires_after(options.read_timeout);
        co_await net::async_write(stream, net::buffer(pending),
                                  net::redirect_error(net::use_awaitable, ec));
        if (ec) co_return;
        pending.clear();
        continue;  // more may have come while writing
      }
      timer->expires_after(options.ping_interval);
      co_await timer->async_wait(net::redirect_error(net::use_awaitable, ec));
      if (!ec) pending = ": ping\n\n";  // expired: not woken by an event
    }
  }
};

Server::Server(ServerOptions options, ApiRouter& router, const SessionTable& sessions,
               const StaticFiles& files, SseHub& hub, net::any_io_executor api_executor)
    : impl_(std::make_unique<Impl>(std::move(options), router, sessions, files, hub,
                                   std::move(api_executor))) {}

Server::~Server() {
  // std::thread::join throws only on a system error; nothing to report to.
  try {
    Stop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): see above
  }
}

Status Server::Start() {
  error_code ec;
  const tcp::endpoint at(net::ip::make_address_v4("127.0.0.1"), impl_->options.port);
  impl_->acceptor.open(at.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(at, ec);
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(
        StatusCode::kUnavailable,
        "cannot listen on 127.0.0.1:" + std::to_string(impl_->options.port) + ": " + ec.message());
  }
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->gate.emplace(impl_->port);
  net::co_spawn(impl_->io, impl_->Accept(), net::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
  return Status::Ok();
}

void Server::Stop() {
  if (!impl_ || !impl_->thread.joinable()) return;
  impl_->io.stop();
  impl_->thread.join();
}

std::uint16_t Server::port() const { return impl_->port; }

}  // namespace backchannel::webapp
