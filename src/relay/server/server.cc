// The only translation unit of the relay that includes Beast (they are slow
// to compile). Layout, one role per class:
//   Server::Impl   io_context + threads, TLS context, listener, expiry timer
//   Registry       mailbox -> connected WebSocket sessions (mutex)
//   WsSession      one WebSocket: reader and writer coroutines on a strand,
//                  one write in flight with a queue behind it; what to push
//                  and when is its PushSession's (push_session.h), shared
//                  with the client's in-process transport
//   Serve()        a coroutine per TLS connection: read, Router, write
//   ConnControl    what StopGracefully and the request timer may touch of a
//                  connection (on its strand)
//   Refuse()       a connection over max_connections: one 503, then closed
#include "backchannel/relay/server.h"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "backchannel/crypto/tls.h"
#include "backchannel/relay/push_session.h"
#include "relay/server/http_checks.h"
#include "relay/server/proxy_protocol.h"
#include "relay/server/rate_limit.h"
#include "tls_cert.h"

namespace backchannel::relay {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
using beast::error_code;

// Errors that are part of normal connection life and are not logged.
bool IsExpected(const error_code& ec) {
  return ec == net::error::operation_aborted || ec == http::error::end_of_stream ||
         ec == websocket::error::closed || ec == ssl::error::stream_truncated ||
         ec == beast::error::timeout || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

void LogError(const char* what, const error_code& ec) {
  if (!IsExpected(ec)) std::cerr << "backchanneld: " << what << ": " << ec.message() << '\n';
}

Status ToStatus(const error_code& ec, std::string_view context) {
  return IoError(std::string(context) + ": " + ec.message());
}

// Milliseconds on the steady clock (the time base of the rate limits).
std::int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The largest WebSocket message a client may send (acks are < 100 bytes).
constexpr std::size_t kMaxClientFrame = 4096;

// What the relay holds for a connection's address group: its place in the
// per-address connection count and (for a counted connection) one in the
// global gauge. Released by the destructor on every way out of the
// connection's coroutine, exceptions included.
class ConnectionSlot {
 public:
  ConnectionSlot(ConnectionCounter* per_address, LimitKey group, std::atomic<std::int64_t>* gauge)
      : per_address_(per_address), group_(group), gauge_(gauge) {}
  ConnectionSlot(ConnectionSlot&& o) noexcept
      : per_address_(std::exchange(o.per_address_, nullptr)),
        group_(o.group_),
        gauge_(std::exchange(o.gauge_, nullptr)) {}
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  ~ConnectionSlot() {
    if (per_address_ != nullptr) per_address_->Close(group_);
    if (gauge_ != nullptr) --*gauge_;
  }
  const LimitKey& group() const { return group_; }
  // Counts the connection under `group` in `per_address` from now on (a
  // proxied connection, once its PROXY header named the client).
  void Attach(ConnectionCounter* per_address, const LimitKey& group) {
    per_address_ = per_address;
    group_ = group;
  }

 private:
  ConnectionCounter* per_address_;
  LimitKey group_;
  std::atomic<std::int64_t>* gauge_;
};

// The peer's address as 16 bytes (IPv4 mapped into IPv6).
std::array<std::uint8_t, 16> Ip16(const tcp::endpoint& ep) {
  const auto a = ep.address();
  if (a.is_v6()) return a.to_v6().to_bytes();
  return net::ip::make_address_v6(net::ip::v4_mapped, a.to_v4()).to_bytes();
}

// Runs `f` (which may block on the store: an fsync per commit) on the store
// pool, so that the io threads keep serving other connections and concurrent
// commits can be grouped, then resumes the caller on its own executor (the
// connection's strand).
template <typename F>
net::awaitable<std::invoke_result_t<F&>> OnPool(net::thread_pool& pool, F f) {
  using R = std::invoke_result_t<F&>;
  // co_spawn needs a default-constructible result: wrap it.
  auto wrapped = co_await net::co_spawn(
      pool,
      [f = std::move(f)]() mutable -> net::awaitable<std::optional<R>> {
        co_return std::optional<R>(f());
      },
      net::use_awaitable);
  co_return std::move(*wrapped);
}

class WsSession;

// mailbox -> sessions subscribed to it. Thread safe (one mutex).
class Registry {
 public:
  // Registers `s` unless `mb` already has `max` live sessions.
  bool TryAdd(const MailboxId& mb, const std::shared_ptr<WsSession>& s, std::size_t max) {
    std::lock_guard<std::mutex> l(mu_);
    auto& list = subs_[mb];
    std::erase_if(list, [](const std::weak_ptr<WsSession>& w) { return w.expired(); });
    if (list.size() >= max) {
      if (list.empty()) subs_.erase(mb);
      return false;
    }
    list.push_back(s);
    return true;
  }
  void Remove(const MailboxId& mb, const WsSession* s) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = subs_.find(mb);
    if (it == subs_.end()) return;
    std::erase_if(it->second, [&](const std::weak_ptr<WsSession>& w) {
      auto p = w.lock();
      return !p || p.get() == s;
    });
    if (it->second.empty()) subs_.erase(it);
  }
  // Every live session (a rescan after missed notifications).
  std::vector<std::shared_ptr<WsSession>> GetAll() {
    std::vector<std::shared_ptr<WsSession>> out;
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [mb, list] : subs_) {
      for (auto& w : list) {
        if (auto p = w.lock()) out.push_back(std::move(p));
      }
    }
    return out;
  }
  std::vector<std::shared_ptr<WsSession>> Get(const MailboxId& mb) {
    std::vector<std::shared_ptr<WsSession>> out;
    std::lock_guard<std::mutex> l(mu_);
    auto it = subs_.find(mb);
    if (it == subs_.end()) return out;
    for (auto& w : it->second) {
      if (auto p = w.lock()) out.push_back(std::move(p));
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::map<MailboxId, std::vector<std::weak_ptr<WsSession>>> subs_;  // guarded by mu_
};

// One WebSocket connection. All members are touched only on the strand of
// ws_ (Deliver* post there).
class WsSession : public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(TlsStream stream, Router& router, net::thread_pool& pool, Registry& registry,
            const MailboxId& mb, const ServerOptions& options)
      : ws_(std::move(stream)),
        wake_(ws_.get_executor()),
        router_(router),
        pool_(pool),
        registry_(registry),
        mailbox_(mb),
        options_(options),
        push_(router.options().prekeys_low_below) {}

  // The connection under the WebSocket (before the upgrade is accepted).
  TlsStream& tls() { return ws_.next_layer(); }

  // From any thread.
  void Deliver(const StoredMessage& m) {
    net::post(ws_.get_executor(), [self = shared_from_this(), m] { self->Enqueue(m); });
  }
  // From any thread: another relay may have queued messages for this
  // mailbox (Store::WatchAppends): list what is pending and push what this
  // connection has not pushed. Rescans requested while one runs make one
  // more, not one each.
  void Rescan() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      if (!self->started_ || self->closed_ || self->going_away_) return;
      if (self->rescanning_) {
        self->rescan_again_ = true;
        return;
      }
      self->rescanning_ = true;
      net::co_spawn(self->ws_.get_executor(), self->RescanLoop(self), net::detached);
    });
  }
  void DeliverPreKeysLow(std::size_t remaining) {
    net::post(ws_.get_executor(), [self = shared_from_this(), remaining] {
      // The Router calls its listener only under the threshold.
      self->Push(EncodeWsPreKeysLow(remaining), false);
    });
  }
  // On the strand: the frames already queued go out, then a close frame
  // 1001 (going away); nothing is queued after it.
  void GoingAway() {
    if (closed_ || going_away_) return;
    going_away_ = true;
    out_.push_back({std::string(), Frame::kClose});
    wake_.cancel();
  }

  // The session is registered already (Registry::TryAdd); Run unregisters
  // it on every way out.
  net::awaitable<void> Run(http::request<http::string_body> upgrade) {
    struct Unregister {
      WsSession* s;
      explicit Unregister(WsSession* session) : s(session) {}
      ~Unregister() { s->registry_.Remove(s->mailbox_, s); }
      Unregister(const Unregister&) = delete;
      Unregister& operator=(const Unregister&) = delete;
      Unregister(Unregister&&) = delete;
      Unregister& operator=(Unregister&&) = delete;
    } unregister{this};
    error_code ec;
    auto tok = net::redirect_error(net::use_awaitable, ec);
    beast::get_lowest_layer(ws_).expires_never();
    // Pings after half the idle time; a peer that answers nothing within
    // it is dropped, so a dead connection does not hold its slot.
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.handshake_timeout;
    timeouts.idle_timeout = options_.ws_idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(kMaxClientFrame);
    co_await ws_.async_accept(upgrade, tok);
    if (ec) co_return LogError("websocket accept", ec);
    auto self = shared_from_this();
    // Queued messages first; a message posted meanwhile may arrive both ways
    // and is pushed once (PushSession). Rescans wait for this first listing.
    started_ = true;
    co_await PushQueuedPage();
    auto remaining = co_await OnPool(pool_, [this] { return router_.OneTimeRemaining(mailbox_); });
    if (remaining.ok()) {
      if (auto frame = push_.PreKeysLow(*remaining)) Push(std::move(*frame), false);
    }
    net::co_spawn(ws_.get_executor(), Writer(self), net::detached);
    beast::flat_buffer buf(kMaxClientFrame + 1024);
    // Frames (acks) beyond the rate are not refused but read later: the
    // peer's flood waits in its own socket buffers, not in the relay.
    TokenBucket frames(options_.ws_frame_rate, SteadyMs());
    net::steady_timer pace(ws_.get_executor());
    for (;;) {
      co_await ws_.async_read(buf, tok);
      if (ec) {
        LogError("websocket read", ec);
        break;
      }
      if (const std::int64_t wait = frames.WaitMs(SteadyMs()); wait > 0) {
        pace.expires_after(std::chrono::milliseconds(wait));
        co_await pace.async_wait(tok);
        if (ec) break;
      }
      (void)frames.Take(SteadyMs());
      const std::string text = beast::buffers_to_string(buf.data());
      buf.consume(buf.size());
      PushSession::ClientFrame in = PushSession::Read(text);
      if (!in.ack) {
        router_.metrics().Reject("bad_request");
        Push(std::move(in.reply), false);
        continue;
      }
      const MessageId id = *in.ack;
      Status s = co_await OnPool(pool_, [this, id] { return router_.Ack(mailbox_, id); });
      // Everything pushed is acked and the last page was full: more may wait.
      if (push_.Acked(id, s)) co_await PushQueuedPage();
    }
    closed_ = true;
    wake_.cancel();
  }

 private:
  // Queued messages are pushed a page at a time (PushSession).
  net::awaitable<void> PushQueuedPage() {
    auto pending =
        co_await OnPool(pool_, [this] { return router_.Pending(mailbox_, PushSession::kPage); });
    if (!pending.ok()) co_return;
    for (std::string& frame : push_.ListPage(*pending)) Push(std::move(frame), true);
  }

  net::awaitable<void> RescanLoop(std::shared_ptr<WsSession> self) {
    do {
      rescan_again_ = false;
      co_await PushQueuedPage();
    } while (rescan_again_ && !closed_);
    rescanning_ = false;
    (void)self;
  }

  void Enqueue(const StoredMessage& m) {
    if (auto frame = push_.Offer(m)) Push(std::move(*frame), true);
  }
  void Push(std::string frame, bool is_message) {
    if (closed_ || going_away_) return;
    out_.push_back({std::move(frame), is_message ? Frame::kMessage : Frame::kOther});
    wake_.cancel();
  }

  net::awaitable<void> Writer(std::shared_ptr<WsSession> self) {
    error_code ec;
    auto tok = net::redirect_error(net::use_awaitable, ec);
    while (!closed_) {
      if (out_.empty()) {
        wake_.expires_at(std::chrono::steady_clock::time_point::max());
        co_await wake_.async_wait(tok);
        continue;
      }
      auto [frame, kind] = std::move(out_.front());
      out_.pop_front();
      if (kind == Frame::kClose) {
        // The reader sees the peer's close frame and ends the session.
        co_await ws_.async_close(websocket::close_code::going_away, tok);
        if (ec) LogError("websocket close", ec);
        closed_ = true;
        break;
      }
      ws_.text(true);
      co_await ws_.async_write(net::buffer(frame), tok);
      if (ec) {
        LogError("websocket write", ec);
        closed_ = true;
        break;
      }
      if (kind == Frame::kMessage) ++router_.metrics().delivered;
    }
    (void)self;
  }

  websocket::stream<TlsStream> ws_;
  net::steady_timer wake_;  // cancelled to wake the writer
  Router& router_;
  net::thread_pool& pool_;
  Registry& registry_;
  MailboxId mailbox_;
  const ServerOptions& options_;
  struct Frame {
    enum Kind { kMessage, kOther, kClose };
    std::string text;
    Kind kind;
  };
  std::deque<Frame> out_;
  PushSession push_;         // what to push, acks, paging
  bool started_ = false;     // the first listing is under way or done
  bool rescanning_ = false;  // RescanLoop runs
  bool rescan_again_ = false;
  bool closed_ = false;
  bool going_away_ = false;  // a close frame is queued
};

// The parts of a connection that StopGracefully and the request timer touch.
// Shared with them; every member is touched only on the connection's strand.
struct ConnControl {
  explicit ConnControl(net::any_io_executor ex) : executor(std::move(ex)) {}
  net::any_io_executor executor;  // the connection's strand
  tcp::socket* socket = nullptr;  // valid while `reading`
  bool reading = false;           // an HTTP request read is outstanding
  std::uint64_t read_generation = 0;
  bool timed_out = false;       // the request timer cancelled the read
  std::weak_ptr<WsSession> ws;  // once upgraded
};

}  // namespace

class Server::Impl {
 public:
  // Threads that run Router calls (which block on the store); many more than
  // the io threads, since each waits on a commit most of the time: the writes
  // in flight are what one group commit (one fsync) can batch. 8 threads
  // capped BM_Load/sqlite at ~0.45 of the echo; 64 gave ~0.65–0.73.
  static constexpr int kStorePoolThreads = 64;
  // Connections over max_connections that may wait for their 503 at once;
  // beyond that they are closed right after accept.
  static constexpr std::int64_t kMaxRefusing = 64;
  // Time a refused connection gets for its TLS handshake and request.
  static constexpr std::chrono::seconds kRefuseTimeout{2};
  // accept() failing (descriptors exhausted): wait this long, doubling.
  static constexpr std::chrono::milliseconds kAcceptBackoffMin{10};
  static constexpr std::chrono::milliseconds kAcceptBackoffMax{1000};
  static constexpr std::chrono::seconds kAcceptLogInterval{10};
  static constexpr const char* kTooManyFromAddress = "too_many_connections_from_address";
  // Drain(): how long and how much of an unread request is read and dropped.
  static constexpr std::chrono::milliseconds kDrainTime{1000};
  static constexpr std::size_t kDrainBytes = std::size_t{256} * 1024;

  Impl(Store& store, ServerOptions options)
      : options_(std::move(options)),
        read_buffer_limit_(options_.header_limit + std::size_t{16} * 1024),
        store_(store),
        router_(store, metrics_, options_.router),
        ssl_ctx_(ssl::context::tls_server),
        per_address_(options_.max_connections_per_address),
        address_requests_(options_.address_rate, options_.max_tracked_addresses),
        address_mailboxes_(options_.address_mailbox_rate, options_.max_tracked_addresses) {
    router_.set_message_listener([this](const MailboxId& mb, const StoredMessage& m) {
      for (auto& s : registry_.Get(mb)) s->Deliver(m);
    });
    router_.set_prekeys_low_listener([this](const MailboxId& mb, std::size_t remaining) {
      for (auto& s : registry_.Get(mb)) s->DeliverPreKeysLow(remaining);
    });
  }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;

  ~Impl() {
    store_.WatchAppends(nullptr);  // no more calls into registry_
    Stop();
    Wait();
    store_pool_.join();  // finishes store calls in flight
    acceptor_.reset();
    signals_.reset();
    listen_strand_.reset();
    ioc_.reset();  // destroys suspended coroutines while router_ and registry_ live
  }

  Status Start() {
    auto queued = store_.CountAllMessages();
    if (!queued.ok()) return queued.error();
    metrics_.queued = static_cast<std::int64_t>(*queued);
    if (options_.tls_cert_file.empty() != options_.tls_key_file.empty()) {
      return InvalidArgument("--tls-cert and --tls-key go together");
    }
    auto id = options_.tls_cert_file.empty()
                  ? LoadOrCreateTlsIdentity(options_.data_dir)
                  : LoadTlsIdentityFiles(options_.tls_cert_file, options_.tls_key_file);
    if (!id.ok()) return id.error();
    cert_sha256_ = id->cert_sha256_hex;
    if (!options_.tls_next_cert_file.empty()) {
      BC_ASSIGN_OR_RETURN(next_cert_sha256_,
                          LoadNextCertificatePin(options_.tls_next_cert_file, cert_sha256_));
    }
    router_.set_certificate_pins(cert_sha256_, next_cert_sha256_);
    error_code ec;
    BC_RETURN_IF_ERROR(crypto::RequireTls13(ssl_ctx_.native_handle()));
    ssl_ctx_.use_certificate_chain(net::buffer(id->cert_pem), ec);
    if (!ec) ssl_ctx_.use_private_key(net::buffer(id->key_pem), ssl::context::pem, ec);
    if (ec) return ToStatus(ec, "TLS key and certificate");
    BC_RETURN_IF_ERROR(crypto::CheckKeyMatchesCertificate(ssl_ctx_.native_handle()));

    for (const std::string& text : options_.trusted_proxies) {
      auto n = ParseTrustedNetwork(text);
      if (!n.ok()) return n.error().WithContext("--trusted-proxy");
      trusted_proxies_.push_back(*n);
    }
    auto addr = net::ip::make_address(options_.listen_host, ec);
    if (ec) return InvalidArgument("bad listen address " + options_.listen_host);
    acceptor_.emplace(*ioc_);
    tcp::endpoint ep(addr, options_.listen_port);
    acceptor_->open(ep.protocol(), ec);
    if (!ec) acceptor_->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(ep, ec);
    if (!ec) acceptor_->listen(net::socket_base::max_listen_connections, ec);
    if (ec) return ToStatus(ec, "listen on " + options_.listen_host);
    port_ = acceptor_->local_endpoint().port();

    // Messages other relays on the same database queue (PostgreSQL): the
    // WebSockets of that mailbox here list and push them; nullopt (the
    // store may have missed some) rescans every WebSocket.
    store_.WatchAppends([this](const std::optional<MailboxId>& mb) {
      for (auto& s : mb ? registry_.Get(*mb) : registry_.GetAll()) s->Rescan();
    });
    net::co_spawn(*listen_strand_, Listen(), net::detached);
    net::co_spawn(*ioc_, ExpireLoop(), net::detached);
    for (int i = 0; i < std::max(1, options_.threads); ++i) {
      threads_.emplace_back([this] { RunIoThread(); });
    }
    return {};
  }

  // A last resort, not the defence: a handler that throws (a bug, or a
  // library throwing where it should return an error) is logged and the
  // thread goes back to serving, instead of the process aborting.
  void RunIoThread() {
    for (;;) {
      try {
        ioc_->run();
        return;
      } catch (const std::exception& e) {
        ++metrics_.internal_errors;
        std::cerr << "backchanneld: internal error in an I/O handler (still serving): " << e.what()
                  << '\n';
      } catch (...) {
        ++metrics_.internal_errors;
        std::cerr << "backchanneld: internal error in an I/O handler (still serving)\n";
      }
    }
  }

  void HandleSignals() {
    signals_.emplace(*ioc_, SIGINT, SIGTERM);
    signals_->async_wait([this](const error_code& ec, int) {
      if (ec) return;
      StopGracefully();
      signals_->async_wait([this](const error_code& ec2, int) {
        if (!ec2) Stop();  // a second signal: no more grace
      });
    });
  }

  void Stop() { ioc_->stop(); }

  void StopGracefully() {
    if (stopping_.exchange(true)) return;
    net::post(*listen_strand_, [this] {
      error_code ignored;
      if (acceptor_) acceptor_->close(ignored);
    });
    {
      std::lock_guard<std::mutex> l(conns_mu_);
      for (const auto& c : conns_) {
        net::post(c->executor, [c] {
          if (c->reading) c->socket->cancel();  // Serve sees stopping_
          if (auto ws = c->ws.lock()) ws->GoingAway();
        });
      }
    }
    net::co_spawn(*ioc_, StopWhenDrained(), net::detached);
  }
  void Wait() {
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

  std::uint16_t port() const { return port_; }
  const std::string& cert_sha256() const { return cert_sha256_; }
  const std::string& next_cert_sha256() const { return next_cert_sha256_; }
  Metrics& metrics() { return metrics_; }

 private:
  // On listen_strand_ (StopGracefully closes the acceptor there).
  net::awaitable<void> Listen() {
    error_code ec;
    net::steady_timer backoff_timer(*listen_strand_);
    auto backoff = kAcceptBackoffMin;
    for (;;) {
      tcp::socket socket(net::make_strand(*ioc_));
      co_await acceptor_->async_accept(socket, net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        if (ec == net::error::operation_aborted || !acceptor_->is_open()) co_return;
        // Out of descriptors (or memory): the pending connection stays in
        // the backlog and accept would fail again at once; wait, and log at
        // a bounded rate.
        LogAcceptFailure(ec);
        backoff_timer.expires_after(backoff);
        co_await backoff_timer.async_wait(net::redirect_error(net::use_awaitable, ec));
        backoff = std::min(backoff * 2, kAcceptBackoffMax);
        continue;
      }
      backoff = kAcceptBackoffMin;
      auto ex = socket.get_executor();
      const auto peer = socket.remote_endpoint(ec);
      if (ec) continue;  // already gone
      const auto ip = Ip16(peer);
      const LimitKey group = AddressGroup(ip);
      // A trusted load balancer: the client's address comes in its PROXY
      // header, and the per-address count waits for it (Connection).
      const bool via_proxy = std::any_of(trusted_proxies_.begin(), trusted_proxies_.end(),
                                         [&](const TrustedNetwork& n) { return Contains(n, ip); });
      // Counted here, not in the coroutine, so a burst of accepts cannot
      // overshoot the limit.
      const char* refusal = nullptr;
      if (metrics_.connections.load() >= static_cast<std::int64_t>(options_.max_connections)) {
        refusal = "too_many_connections";
      } else if (!via_proxy && !per_address_.Open(group)) {
        refusal = kTooManyFromAddress;
      }
      if (refusal != nullptr) {
        metrics_.Reject(refusal);
        if (refusing_.load() >= kMaxRefusing) {
          socket.close(ec);
          continue;
        }
        ++refusing_;
        net::co_spawn(ex,
                      Refuse(TlsStream(beast::tcp_stream(std::move(socket)), ssl_ctx_), refusal),
                      net::detached);
        continue;
      }
      ++metrics_.connections;
      net::co_spawn(ex,
                    Connection(TlsStream(beast::tcp_stream(std::move(socket)), ssl_ctx_),
                               ConnectionSlot(via_proxy ? nullptr : &per_address_, group,
                                              &metrics_.connections),
                               via_proxy),
                    net::detached);
    }
  }

  void LogAcceptFailure(const error_code& ec) {
    ++accept_failures_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_accept_log_ < kAcceptLogInterval) return;
    std::cerr << "backchanneld: accept failed " << accept_failures_
              << " time(s) since the last report: " << ec.message() << '\n';
    accept_failures_ = 0;
    last_accept_log_ = now;
  }

  // After StopGracefully: stops the io threads once every connection has
  // ended or stop_grace has passed.
  net::awaitable<void> StopWhenDrained() {
    const auto end = std::chrono::steady_clock::now() + options_.stop_grace;
    net::steady_timer timer(*ioc_);
    while (metrics_.connections.load() > 0 && std::chrono::steady_clock::now() < end) {
      timer.expires_after(std::chrono::milliseconds(10));
      error_code ec;
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    }
    ioc_->stop();
  }

  // A connection over a limit: TLS handshake, one request header read, 503
  // `reason` (already counted), closed. No body is read. Bounded by
  // kRefuseTimeout and by the header limit.
  net::awaitable<void> Refuse(TlsStream stream, const char* reason) {
    struct Done {
      std::atomic<std::int64_t>& n;
      explicit Done(std::atomic<std::int64_t>& counter) : n(counter) {}
      ~Done() { --n; }
      Done(const Done&) = delete;
      Done& operator=(const Done&) = delete;
      Done(Done&&) = delete;
      Done& operator=(Done&&) = delete;
    } done{refusing_};
    error_code ec;
    auto tok = net::redirect_error(net::use_awaitable, ec);
    beast::get_lowest_layer(stream).expires_after(kRefuseTimeout);
    co_await stream.async_handshake(ssl::stream_base::server, tok);
    if (ec) co_return;
    beast::flat_buffer buf(read_buffer_limit_);
    RequestParser parser;
    LimitParser(parser, options_.header_limit, 0);
    co_await http::async_read_header(stream, buf, parser, tok);
    if (ec) co_return;
    HttpResponse r;
    r.status = 503;
    r.body = std::string(R"({"error":")") + reason +
             R"(","message":"the relay is at its connection limit; try again later"})";
    if (!(co_await Write(stream, r, parser.get().version(), false))) co_await CloseTls(stream);
  }

  // Every interval: expired messages and idle mailboxes are deleted, and the
  // store erases what was deleted (acks included) from its log.
  net::awaitable<void> ExpireLoop() {
    net::steady_timer timer(*ioc_);
    const auto interval =
        std::chrono::milliseconds(std::clamp<std::int64_t>(options_.ttl_ms / 10, 1000, 60'000));
    const std::int64_t idle_ms = options_.mailbox_idle_days * 24 * 3600 * 1000;
    for (;;) {
      timer.expires_after(interval);
      error_code ec;
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
      if (ec) co_return;
      auto n = co_await OnPool(store_pool_, [this] { return router_.Expire(options_.ttl_ms); });
      if (!n.ok()) std::cerr << "backchanneld: expiry: " << n.error() << '\n';
      auto idle = co_await OnPool(store_pool_,
                                  [this, idle_ms] { return router_.DeleteIdleMailboxes(idle_ms); });
      if (!idle.ok()) std::cerr << "backchanneld: idle mailboxes: " << idle.error() << '\n';
      Status c = co_await OnPool(store_pool_, [this] { return store_.Compact(); });
      if (!c.ok()) std::cerr << "backchanneld: compact: " << c << '\n';
    }
  }

  // Reads a PROXY v2 header from a trusted balancer's connection (before
  // its TLS bytes, exactly as many bytes as it announces); nullopt when it
  // is malformed or late, and the connection is then dropped.
  net::awaitable<std::optional<ProxyHeader>> ReadProxyHeader(TlsStream& stream) {
    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(options_.handshake_timeout);
    std::array<std::uint8_t, kProxyV2FixedBytes> fixed{};
    std::array<std::uint8_t, kProxyV2MaxRest> rest{};
    error_code ec;
    co_await net::async_read(tcp, net::buffer(fixed), net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return std::nullopt;
    auto length = ProxyV2RestLength(fixed);
    if (!length.ok()) co_return std::nullopt;
    co_await net::async_read(tcp, net::buffer(rest.data(), *length),
                             net::redirect_error(net::use_awaitable, ec));
    if (ec) co_return std::nullopt;
    auto header = ParseProxyV2(fixed, ByteView(rest.data(), *length));
    if (!header.ok()) co_return std::nullopt;
    co_return *header;
  }

  // `slot` holds this connection's place in the counts until it ends.
  // `via_proxy`: the peer is a trusted balancer; its PROXY header comes
  // first and names the client the per-address limits count.
  net::awaitable<void> Connection(TlsStream stream, ConnectionSlot slot, bool via_proxy) {
    if (via_proxy) {
      auto header = co_await ReadProxyHeader(stream);
      if (!header) {
        metrics_.Reject("bad_proxy_header");
        co_return;
      }
      const LimitKey client = header->source ? AddressGroup(*header->source) : slot.group();
      if (!per_address_.Open(client)) {
        metrics_.Reject(kTooManyFromAddress);
        ++refusing_;
        co_await Refuse(std::move(stream), kTooManyFromAddress);
        co_return;
      }
      slot.Attach(&per_address_, client);
    }
    auto control = std::make_shared<ConnControl>(stream.get_executor());
    struct Unlist {
      Impl* impl;
      std::shared_ptr<ConnControl> control;
      Unlist(Impl* owner, std::shared_ptr<ConnControl> conn)
          : impl(owner), control(std::move(conn)) {}
      ~Unlist() {
        std::lock_guard<std::mutex> l(impl->conns_mu_);
        impl->conns_.erase(control);
      }
      Unlist(const Unlist&) = delete;
      Unlist& operator=(const Unlist&) = delete;
      Unlist(Unlist&&) = delete;
      Unlist& operator=(Unlist&&) = delete;
    } unlist{this, control};
    {
      std::lock_guard<std::mutex> l(conns_mu_);
      conns_.insert(control);
    }
    try {
      co_await Serve(stream, control, slot.group());
    } catch (const std::exception& e) {
      std::cerr << "backchanneld: connection: " << e.what() << '\n';
    }
  }

  // Reads one request into `parser` within `deadline`. beast::error::timeout
  // when the deadline passes (the socket stays open for a 408);
  // operation_aborted when StopGracefully interrupts a read that has received
  // nothing yet. A request partly received when the stop comes goes on being
  // read (the grace period bounds it).
  // `header_only`: stops after the header (async_read_header).
  net::awaitable<error_code> ReadRequest(TlsStream& stream, beast::flat_buffer& buf,
                                         RequestParser& parser,
                                         const std::shared_ptr<ConnControl>& control,
                                         std::chrono::steady_clock::time_point deadline,
                                         bool header_only) {
    auto& tcp_stream = beast::get_lowest_layer(stream);
    for (;;) {
      if (std::chrono::steady_clock::now() >= deadline) co_return beast::error::timeout;
      // The request timer cancels the read instead of closing the socket
      // (what tcp_stream's own timeout would do), so a 408 can still go out.
      tcp_stream.expires_never();
      net::steady_timer timer(stream.get_executor(), deadline);
      const std::uint64_t generation = ++control->read_generation;
      timer.async_wait([control, generation](const error_code& ec) {
        if (ec || !control->reading || control->read_generation != generation) return;
        control->timed_out = true;
        control->socket->cancel();
      });
      control->socket = &tcp_stream.socket();
      control->reading = true;
      control->timed_out = false;
      error_code ec;
      if (header_only) {
        co_await http::async_read_header(stream, buf, parser,
                                         net::redirect_error(net::use_awaitable, ec));
      } else {
        co_await http::async_read(stream, buf, parser, net::redirect_error(net::use_awaitable, ec));
      }
      control->reading = false;
      timer.cancel();
      if (ec != net::error::operation_aborted) co_return ec;
      if (control->timed_out) co_return beast::error::timeout;
      // Cancelled by StopGracefully.
      if (buf.size() == 0 && !parser.got_some()) co_return ec;
    }
  }

  static bool Received(const beast::flat_buffer& buf, const RequestParser& parser) {
    return buf.size() > 0 || parser.got_some();
  }

  // Writes `res` for a request of HTTP version `version`.
  static net::awaitable<error_code> Write(TlsStream& stream, const HttpResponse& res,
                                          unsigned version, bool keep_alive) {
    http::response<http::string_body> out{static_cast<http::status>(res.status), version};
    out.set(http::field::server, "backchanneld");
    if (!res.body.empty()) out.set(http::field::content_type, res.content_type);
    out.keep_alive(keep_alive);
    out.body() = res.body;
    out.prepare_payload();
    error_code ec;
    co_await http::async_write(stream, out, net::redirect_error(net::use_awaitable, ec));
    co_return ec;
  }

  HttpResponse ToResponse(const HttpRefusal& r) {
    return router_.Error(r.status, r.code, r.message);
  }

  // The response to a read that ended in `ec`, or nullopt when the
  // connection just ends (closed, idle timeout, stop).
  std::optional<HttpResponse> ReadFailure(const error_code& ec, const beast::flat_buffer& buf,
                                          const RequestParser& parser) {
    if (ec == beast::error::timeout) {
      // Idle between requests: closed without a word. Part of a request
      // received: 408.
      if (!Received(buf, parser)) return std::nullopt;
      return router_.Error(408, "timeout", "the request did not arrive in time");
    }
    if (ec == http::error::end_of_stream || IsExpected(ec)) return std::nullopt;
    return ToResponse(ReadErrorRefusal(ec));
  }

  net::awaitable<void> Serve(TlsStream& stream, const std::shared_ptr<ConnControl>& control,
                             const LimitKey& group) {
    error_code ec;
    auto tok = net::redirect_error(net::use_awaitable, ec);
    beast::get_lowest_layer(stream).expires_after(options_.handshake_timeout);
    co_await stream.async_handshake(ssl::stream_base::server, tok);
    if (ec) co_return LogError("TLS handshake", ec);
    beast::flat_buffer buf(read_buffer_limit_);
    TokenBucket bucket(options_.rate, SteadyMs());
    const std::size_t body_limit =
        std::max(options_.router.max_envelope, options_.router.max_json_body);
    for (;;) {
      // Checked on the strand right before the read starts: StopGracefully
      // either finds the read outstanding and cancels it, or comes before
      // this check.
      if (stopping_.load()) break;
      RequestParser parser;
      LimitParser(parser, options_.header_limit, body_limit);
      const auto deadline = std::chrono::steady_clock::now() + options_.request_timeout;
      ec = co_await ReadRequest(stream, buf, parser, control, deadline, true);
      std::optional<HttpRefusal> refusal;
      if (!ec) refusal = CheckHeader(parser);
      if (!ec && !refusal && !parser.is_done()) {
        ec = co_await ReadRequest(stream, buf, parser, control, deadline, false);
      }
      beast::get_lowest_layer(stream).expires_after(options_.request_timeout);  // the response
      if (ec) {
        if (auto r = ReadFailure(ec, buf, parser)) {
          if (!(co_await Write(stream, *r, 11, false))) co_await Drain(stream);
        }
        break;
      }
      if (refusal) {
        if (!(co_await Write(stream, ToResponse(*refusal), parser.get().version(), false))) {
          co_await Drain(stream);
        }
        break;
      }
      http::request<http::string_body> req = parser.release();
      const unsigned version = req.version();
      bool keep_alive = req.keep_alive();
      HttpRequest hreq;
      hreq.method = std::string(req.method_string());
      hreq.target = std::string(req.target());
      for (const auto& f : req) hreq.headers.emplace_back(f.name_string(), f.value());
      hreq.body = req.body();
      if (auto limited = RateLimited(bucket, group, hreq)) {
        if (co_await Write(stream, *limited, version, keep_alive) || !keep_alive) break;
        continue;
      }
      if (websocket::is_upgrade(req)) {
        auto auth = co_await OnPool(store_pool_, [&] { return router_.AuthorizeWebSocket(hreq); });
        if (auto* no = std::get_if<HttpResponse>(&auth)) {
          co_await Write(stream, *no, version, false);
          break;
        }
        const MailboxId mb = std::get<MailboxId>(auth);
        auto ws = std::make_shared<WsSession>(std::move(stream), router_, store_pool_, registry_,
                                              mb, options_);
        if (!registry_.TryAdd(mb, ws, options_.max_websockets_per_mailbox)) {
          HttpResponse r = router_.Error(429, "too_many_websockets",
                                         "this mailbox has as many WebSockets open as allowed; "
                                         "close one or try again later");
          co_await Write(ws->tls(), r, version, false);
          co_await CloseTls(ws->tls());
          co_return;
        }
        control->ws = ws;
        if (stopping_.load()) ws->GoingAway();  // the stop came while authorizing
        co_await ws->Run(std::move(req));
        co_return;
      }
      HttpResponse res = co_await OnPool(store_pool_, [&] { return router_.Handle(hreq); });
      // A stop while the request was handled: answer it, then close.
      if (stopping_.load()) keep_alive = false;
      ec = co_await Write(stream, res, version, keep_alive);
      if (ec) co_return LogError("write", ec);
      if (!keep_alive) break;
    }
    co_await CloseTls(stream);
  }

  // The 429 for a request over one of the rates: this connection's, this
  // address group's, or (creating a mailbox) the group's mailbox creations.
  std::optional<HttpResponse> RateLimited(TokenBucket& connection, const LimitKey& group,
                                          const HttpRequest& req) {
    const std::int64_t now = SteadyMs();
    if (!connection.Take(now) || !address_requests_.Take(group, now)) {
      return router_.Error(429, "rate_limited", "too many requests");
    }
    if (Router::IsCreateMailbox(req) && !address_mailboxes_.Take(group, now)) {
      return router_.Error(429, "rate_limited",
                           "too many mailboxes created from this address; try again later");
    }
    return std::nullopt;
  }

  // After a refusal that left part of the request unread: reads and drops
  // what the peer is still sending, for a moment and up to a bound, so that
  // closing does not reset the connection (a reset can destroy the response
  // before the peer reads it).
  static net::awaitable<void> Drain(TlsStream& stream) {
    beast::get_lowest_layer(stream).expires_after(kDrainTime);
    std::array<char, 4096> scratch{};
    std::size_t drained = 0;
    error_code ec;
    while (drained < kDrainBytes) {
      drained += co_await stream.async_read_some(net::buffer(scratch),
                                                 net::redirect_error(net::use_awaitable, ec));
      if (ec) break;
    }
  }

  // Sends the TLS close_notify without waiting for the peer's (every response
  // is length-delimited, so a client can tell a truncated one), then closes
  // the socket: a client that does not answer does not hold the connection
  // (or a graceful stop) for a timeout.
  static net::awaitable<void> CloseTls(TlsStream& stream) {
    crypto::MarkShutdownReceived(stream.native_handle());
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    error_code ec;
    co_await stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
    beast::get_lowest_layer(stream).close();
  }

  ServerOptions options_;
  // The most a connection's read buffer holds: a header, and a body's bytes
  // on their way into the body (16 KiB at a time; the body has its own
  // limit).
  const std::size_t read_buffer_limit_;
  Store& store_;
  Metrics metrics_;
  Router router_;
  Registry registry_;
  ssl::context ssl_ctx_;
  std::string cert_sha256_;
  std::string next_cert_sha256_;
  std::uint16_t port_ = 0;
  net::thread_pool store_pool_{kStorePoolThreads};
  std::unique_ptr<net::io_context> ioc_ = std::make_unique<net::io_context>();
  // Reset before ioc_: a strand must not outlive its io_context.
  std::optional<net::strand<net::io_context::executor_type>> listen_strand_{
      net::make_strand(*ioc_)};
  std::optional<tcp::acceptor> acceptor_;  // on listen_strand_ once started
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> refusing_{0};  // Refuse coroutines running
  std::mutex conns_mu_;
  std::set<std::shared_ptr<ConnControl>> conns_;  // guarded by conns_mu_
  std::optional<net::signal_set> signals_;
  std::vector<std::thread> threads_;
  std::vector<TrustedNetwork> trusted_proxies_;  // set by Start
  ConnectionCounter per_address_;
  KeyedBuckets address_requests_;
  KeyedBuckets address_mailboxes_;
  // On listen_strand_.
  std::uint64_t accept_failures_ = 0;
  std::chrono::steady_clock::time_point last_accept_log_{};
};

Server::Server(Store& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
std::uint16_t Server::port() const { return impl_->port(); }
const std::string& Server::cert_sha256() const { return impl_->cert_sha256(); }
const std::string& Server::next_cert_sha256() const { return impl_->next_cert_sha256(); }
Metrics& Server::metrics() { return impl_->metrics(); }
void Server::Stop() { impl_->Stop(); }
void Server::StopGracefully() { impl_->StopGracefully(); }
void Server::Wait() { impl_->Wait(); }
void Server::HandleSignals() { impl_->HandleSignals(); }

}  // namespace backchannel::relay
