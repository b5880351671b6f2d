// backchanneld: the relay. See docs/relay.md.
//
// Prints exactly one line to stdout once it listens:
//   listening HOST:PORT cert-sha256 <64 hex>
// and runs until SIGINT or SIGTERM (graceful: see Server::StopGracefully).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "backchannel/relay/server.h"
#include "backchannel/relay/store.h"

int main(int argc, char** argv) {
  using backchannel::relay::ServerOptions;
  CLI::App app{"backchanneld: the backchannel relay (HTTPS + WebSocket over TLS 1.3)"};
  std::string listen = "127.0.0.1:0";
  ServerOptions o;
  std::int64_t ttl_s = 30LL * 24 * 3600;
  double request_timeout_s = 10;
  double stop_grace_s = 2;
  app.add_option("--listen", listen, "HOST:PORT to listen on (PORT 0: any free port)")
      ->capture_default_str();
  app.add_option("--data", o.data_dir, "data directory (certificate, key, relay.db)")->required();
  app.add_option("--ttl", ttl_s, "message lifetime in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-envelope", o.router.max_envelope, "largest envelope in bytes")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-queue", o.router.max_queue, "most queued messages per mailbox")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-connections", o.max_connections, "most open connections")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--request-timeout", request_timeout_s,
                 "seconds for one request (headers and body; 408 after) and keep-alive idle time")
      ->capture_default_str()
      ->check(CLI::Range(0.001, 3600.0));
  app.add_option("--stop-grace", stop_grace_s,
                 "seconds requests in flight get after SIGTERM/SIGINT before the relay exits")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 600.0));
  app.add_option("--threads", o.threads, "I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);
  o.ttl_ms = ttl_s * 1000;
  o.request_timeout = std::chrono::milliseconds(std::llround(request_timeout_s * 1000));
  o.stop_grace = std::chrono::milliseconds(std::llround(stop_grace_s * 1000));

  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "backchanneld: --listen must be HOST:PORT\n";
    return 2;
  }
  o.listen_host = listen.substr(0, colon);
  try {
    const int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    o.listen_port = static_cast<std::uint16_t>(port);
  } catch (const std::exception&) {
    std::cerr << "backchanneld: bad port in --listen\n";
    return 2;
  }

  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  auto store = backchannel::relay::OpenSqliteStore(o.data_dir + "/relay.db");
  if (!store.ok()) {
    std::cerr << "backchanneld: " << store.error() << '\n';
    return 1;
  }
  backchannel::relay::Server server(**store, o);
  server.HandleSignals();
  if (auto s = server.Start(); !s.ok()) {
    std::cerr << "backchanneld: " << s << '\n';
    return 1;
  }
  std::cout << "listening " << o.listen_host << ':' << server.port() << " cert-sha256 "
            << server.cert_sha256() << std::endl;
  server.Wait();
  return 0;
}
