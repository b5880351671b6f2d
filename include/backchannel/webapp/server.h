// The web app's HTTP/1.1 server (Beast) on 127.0.0.1 only. One role per
// class: this one accepts and reads (connection cap, per-connection
// timeouts, header and body limits) and writes answers with the security
// headers; SecurityGate decides Host/Origin; ApiRouter answers /api/* on
// the backend's worker; StaticFiles the page; SseHub feeds /api/events.
// Nothing a peer sends can throw out of the I/O loop: every failure is an
// error code, a refusal, or a closed connection.
//
// Lifetime: Stop() before the backend's worker stops; the Server object
// after it (a job still running on the worker completes into this
// server's stopped I/O context).
//
// Thread safety: Start/Stop from one thread; the I/O runs on one thread of
// its own.
#ifndef BACKCHANNEL_WEBAPP_SERVER_H_
#define BACKCHANNEL_WEBAPP_SERVER_H_

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "backchannel/common/result.h"
#include "backchannel/webapp/api_router.h"
#include "backchannel/webapp/session_table.h"
#include "backchannel/webapp/sse_hub.h"
#include "backchannel/webapp/static_files.h"

namespace backchannel::webapp {

struct ServerOptions {
  std::uint16_t port = 0;  // 0: any free port
  std::size_t max_connections = 32;
  std::size_t header_limit = std::size_t{16} * 1024;
  std::size_t body_limit = std::size_t{256} * 1024;  // app::kMaxRequestSize
  std::chrono::milliseconds keep_alive{60'000};      // idle until a request's first bytes
  std::chrono::milliseconds header_timeout{10'000};  // then the whole header
  std::chrono::milliseconds read_timeout{10'000};    // then the body (and each answer's write)
  std::chrono::milliseconds ping_interval{15'000};   // SSE comment lines
  // Called on the server's thread just before each /api request is queued
  // on the backend's worker: the app holder's Wake (holder.h), which ends
  // its relay listen so the request runs at once and holds the next one
  // back until the request has reached the worker (ApiRouter::Handle calls
  // AppBackend::Dequeued). Empty: nothing to wake.
  std::function<void()> api_queued;
};

class Server {
 public:
  // `router` runs on `api_executor` (the backend's worker); the others on
  // the server's own thread. All must outlive the server.
  Server(ServerOptions options, ApiRouter& router, const SessionTable& sessions,
         const StaticFiles& files, SseHub& hub, boost::asio::any_io_executor api_executor);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  Server(Server&&) = delete;
  Server& operator=(Server&&) = delete;

  // Binds 127.0.0.1:port and starts serving on a thread of its own.
  Status Start();
  void Stop();
  std::uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_SERVER_H_
