// backchanneld: the relay. See docs/relay.md.
//
// Prints exactly one line to stdout once it listens:
//   listening HOST:PORT cert-sha256 <64 hex>[ next-cert-sha256 <64 hex>]
// (the second pin with --tls-next-cert, a pin rollover)
// and runs until SIGINT or SIGTERM (graceful: see Server::StopGracefully).
#include <sys/resource.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "backchannel/relay/server.h"
#include "backchannel/relay/store.h"
#include "relay/server/config.h"
#include "relay/server/tls_cert.h"

namespace {

// Descriptors the relay needs besides its connections: the store's files,
// the listening socket, refusals in progress (at most 64), stdio.
constexpr rlim_t kSpareDescriptors = 128;

// Raises the soft RLIMIT_NOFILE to what `max_connections` needs, or says why
// it cannot (systemd's default soft limit, 1,024, equals the default
// --max-connections: without this, accept would fail under load).
bool EnsureDescriptors(std::size_t max_connections) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return true;  // nothing to check against
  const rlim_t need = static_cast<rlim_t>(max_connections) + kSpareDescriptors;
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur >= need) return true;
  if (lim.rlim_cur == RLIM_INFINITY) return true;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < need) {
    std::cerr << "backchanneld: --max-connections " << max_connections << " needs " << need
              << " file descriptors, but the hard limit (RLIMIT_NOFILE) is " << lim.rlim_max
              << "; raise it (ulimit -Hn, or LimitNOFILE= in the systemd unit) or lower "
                 "--max-connections\n";
    return false;
  }
  lim.rlim_cur = need;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    std::cerr << "backchanneld: cannot raise the file descriptor limit to " << need << '\n';
    return false;
  }
  return true;
}

// The token for GET /metrics, from the first line of `path`.
bool ReadMetricsToken(const std::string& path, std::string& token) {
  std::ifstream in(path);
  if (!in || !std::getline(in, token)) {
    std::cerr << "backchanneld: cannot read the metrics token from " << path << '\n';
    return false;
  }
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.size() < 16) {
    std::cerr << "backchanneld: the metrics token in " << path
              << " is shorter than 16 characters\n";
    return false;
  }
  return true;
}

// Reads the configuration file at `path` (at most kMaxConfigBytes).
bool ReadConfig(const std::string& path, backchannel::relay::RelayConfig& config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "backchanneld: cannot read the config file " << path << '\n';
    return false;
  }
  std::string text(backchannel::relay::kMaxConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  auto parsed = backchannel::relay::ParseRelayConfig(text);
  if (!parsed.ok()) {
    std::cerr << "backchanneld: " << path << ": " << parsed.error().message() << '\n';
    return false;
  }
  config = std::move(*parsed);
  return true;
}

// `target` = the file's value, unless the option was given on the command
// line (which wins).
template <typename T, typename V>
void FromFile(const CLI::App& app, const char* option, const std::optional<V>& value, T& target) {
  if (value && app.count(option) == 0) target = static_cast<T>(*value);
}

}  // namespace

// An exception nothing below handles ends the relay with a message and
// status 1 rather than in std::terminate.
int main(int argc, char** argv) try {
  using backchannel::relay::ServerOptions;
  CLI::App app{"backchanneld: the backchannel relay (HTTPS + WebSocket over TLS 1.3)"};
  std::string listen = "127.0.0.1:0";
  ServerOptions o;
  std::int64_t ttl_s = 30LL * 24 * 3600;
  double request_timeout_s = 10;
  double stop_grace_s = 2;
  app.add_option("--listen", listen, "HOST:PORT to listen on (PORT 0: any free port)")
      ->capture_default_str();
  std::string config_file;
  app.add_option("--config", config_file,
                 "TOML configuration file (docs/relay.md); command-line options win over it");
  app.add_option("--data", o.data_dir,
                 "data directory (certificate, key, and relay.db unless --store says otherwise)");
  app.add_option("--tls-cert", o.tls_cert_file,
                 "PEM certificate to serve instead of the data directory's (with --tls-key; "
                 "the same pair on every relay of a deployment keeps invitations' pins valid)");
  app.add_option("--tls-key", o.tls_key_file,
                 "PEM private key of --tls-cert (mode 0600, this user's file)");
  app.add_option("--tls-next-cert", o.tls_next_cert_file,
                 "PEM certificate this deployment will serve next (a pin rollover: its pin is "
                 "served on GET /v1/pins so clients learn it before the switch; no key needed)");
  std::string store_spec;
  app.add_option("--store", store_spec,
                 "where messages are kept: sqlite:PATH or a postgresql:// URI (default: "
                 "sqlite:DATA/relay.db)");
  backchannel::relay::PostgresStoreOptions pg_options;
  app.add_option("--postgres-connections", pg_options.connections,
                 "connections to PostgreSQL, at most")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_flag("--allow-unsafe-durability", pg_options.allow_unsafe_durability,
               "start even when PostgreSQL commits are not durable (fsync or "
               "synchronous_commit off): acknowledged messages may be lost in a crash");
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
  std::size_t per_address = o.max_connections_per_address;
  app.add_option("--max-connections-per-address", per_address,
                 "most open connections from one IPv4 address or IPv6 /64")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-mailbox-bytes", o.router.max_mailbox_bytes,
                 "most bytes of queued envelopes per mailbox (507 beyond)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--max-total-bytes", o.router.max_total_bytes,
                 "most bytes of queued envelopes in the whole relay (507 beyond)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  double mailboxes_per_minute = o.address_mailbox_rate.burst;
  app.add_option("--mailbox-creations", mailboxes_per_minute,
                 "mailboxes one address may create per minute (also the burst)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  double address_requests = o.address_rate.per_second;
  app.add_option("--address-requests", address_requests,
                 "requests per second from one address, all connections together (burst: twice "
                 "that)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e9));
  app.add_option("--max-websockets-per-mailbox", o.max_websockets_per_mailbox,
                 "most WebSockets open at once on one mailbox")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  double ws_idle_s = 60;
  app.add_option("--ws-idle-timeout", ws_idle_s,
                 "seconds after which a WebSocket peer that answered no ping is dropped")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  double handshake_s = 5;
  app.add_option("--handshake-timeout", handshake_s, "seconds for a TLS handshake")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 600.0));
  std::int64_t idle_days = o.mailbox_idle_days;
  app.add_option("--mailbox-idle-days", idle_days,
                 "delete a mailbox whose owner has not signed a request for this many days")
      ->capture_default_str()
      ->check(CLI::Range(1, 36500));
  app.add_option("--trusted-proxy", o.trusted_proxies,
                 "load balancer address or network whose connections start with a PROXY protocol "
                 "v2 header (repeatable)");
  std::string metrics_token_file;
  app.add_option("--metrics-token-file", metrics_token_file,
                 "file whose first line is the bearer token GET /metrics needs (no file: no "
                 "/metrics)");
  app.add_option("--threads", o.threads, "I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  std::string print_pin_file;
  app.add_option("--print-pin", print_pin_file,
                 "print the pin (SHA-256 of the DER) of a PEM certificate file and exit, without "
                 "starting (for a pin rollover: docs/relay.md)");
  CLI11_PARSE(app, argc, argv);
  if (!print_pin_file.empty()) {
    auto pin = backchannel::relay::CertificatePinOfFile(print_pin_file);
    if (!pin.ok()) {
      std::cerr << "backchanneld: " << pin.error() << '\n';
      return 2;
    }
    std::cout << *pin << std::endl;
    return 0;
  }
  if (!config_file.empty()) {
    backchannel::relay::RelayConfig c;
    if (!ReadConfig(config_file, c)) return 2;
    FromFile(app, "--listen", c.listen, listen);
    FromFile(app, "--data", c.data, o.data_dir);
    FromFile(app, "--store", c.store, store_spec);
    FromFile(app, "--metrics-token-file", c.metrics_token_file, metrics_token_file);
    FromFile(app, "--tls-cert", c.tls_cert, o.tls_cert_file);
    FromFile(app, "--tls-key", c.tls_key, o.tls_key_file);
    FromFile(app, "--tls-next-cert", c.tls_next_cert, o.tls_next_cert_file);
    FromFile(app, "--ttl", c.ttl, ttl_s);
    FromFile(app, "--max-envelope", c.max_envelope, o.router.max_envelope);
    FromFile(app, "--max-queue", c.max_queue, o.router.max_queue);
    FromFile(app, "--max-connections", c.max_connections, o.max_connections);
    FromFile(app, "--max-mailbox-bytes", c.max_mailbox_bytes, o.router.max_mailbox_bytes);
    FromFile(app, "--max-total-bytes", c.max_total_bytes, o.router.max_total_bytes);
    FromFile(app, "--mailbox-idle-days", c.mailbox_idle_days, idle_days);
    FromFile(app, "--threads", c.threads, o.threads);
    FromFile(app, "--trusted-proxy", c.trusted_proxy, o.trusted_proxies);
    FromFile(app, "--postgres-connections", c.postgres_connections, pg_options.connections);
    FromFile(app, "--allow-unsafe-durability", c.allow_unsafe_durability,
             pg_options.allow_unsafe_durability);
  }
  if (o.data_dir.empty()) {
    std::cerr << "backchanneld: --data (or data in the config file) is required\n";
    return 2;
  }
  o.max_connections_per_address = per_address;
  o.address_mailbox_rate = {mailboxes_per_minute / 60, mailboxes_per_minute};
  o.address_rate = {address_requests, 2 * address_requests};
  o.ws_idle_timeout = std::chrono::milliseconds(std::llround(ws_idle_s * 1000));
  o.handshake_timeout = std::chrono::milliseconds(std::llround(handshake_s * 1000));
  o.mailbox_idle_days = idle_days;
  if (!metrics_token_file.empty() &&
      !ReadMetricsToken(metrics_token_file, o.router.metrics_token)) {
    return 2;
  }
  if (!EnsureDescriptors(o.max_connections)) return 1;
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

  // The data directory and everything in it are the relay's alone: 0700 and
  // 0600 (files made before this version are tightened too).
  ::umask(077);
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  namespace fs = std::filesystem;
  fs::permissions(o.data_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  for (const char* name :
       {"relay.db", "relay.db-wal", "relay.db-shm", "relay-key.pem", "relay-cert.pem"}) {
    const fs::path f = fs::path(o.data_dir) / name;
    if (fs::exists(f, ec)) {
      fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                      ec);
    }
  }
  if (store_spec.empty()) store_spec = "sqlite:" + o.data_dir + "/relay.db";
  auto spec = backchannel::relay::ParseStoreSpec(store_spec);
  if (!spec.ok()) {
    std::cerr << "backchanneld: --store: " << spec.error().message() << '\n';
    return 2;
  }
  // The SQLite store always runs with synchronous=FULL (it sets it itself);
  // PostgreSQL's settings are the server's, checked when the store opens.
  auto store = spec->kind == backchannel::relay::StoreSpec::Kind::kSqlite
                   ? backchannel::relay::OpenSqliteStore(spec->target)
                   : backchannel::relay::OpenPostgresStore(spec->target, pg_options);
  if (!store.ok()) {
    std::cerr << "backchanneld: store " << backchannel::relay::RedactedStoreSpec(store_spec) << ": "
              << store.error() << '\n';
    return 1;
  }
  if (pg_options.allow_unsafe_durability &&
      spec->kind == backchannel::relay::StoreSpec::Kind::kPostgres) {
    std::cerr << "backchanneld: WARNING: --allow-unsafe-durability: if PostgreSQL runs with fsync "
                 "or synchronous_commit off, acknowledged messages may be lost in a crash\n";
  }
  backchannel::relay::Server server(**store, o);
  server.HandleSignals();
  if (auto s = server.Start(); !s.ok()) {
    std::cerr << "backchanneld: " << s << '\n';
    return 1;
  }
  std::cout << "listening " << o.listen_host << ':' << server.port() << " cert-sha256 "
            << server.cert_sha256();
  if (!server.next_cert_sha256().empty()) {
    std::cout << " next-cert-sha256 " << server.next_cert_sha256();
  }
  std::cout << std::endl;
  server.Wait();
  return 0;
} catch (const std::exception& e) {
  std::cerr << "backchanneld: " << e.what() << "\n";
  return 1;
}
