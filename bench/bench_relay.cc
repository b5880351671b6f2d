// bench_relay: the relay over TLS on loopback (issue 3, "Speed").
//
//   BM_PostAck/{sqlite,echo,postgres}/threads:T   T client connections, each posting an
//       envelope (201 only once durable) and deleting it (signed DELETE).
//   BM_PostToPush/{sqlite,echo}/clients:N   N WebSocket clients connected,
//       each on its own mailbox; one poster posts to them in turn and the time
//       from sending the POST to the recipient reading the pushed frame is
//       measured (then it acks over the WebSocket). p50/p99 in counters.
//       Latency with N idle connections and one message in flight.
//   BM_Load/{sqlite,echo,postgres}/clients:N   N clients at once (1 … 1,000), each
//       with a WebSocket on its own mailbox and an HTTPS connection that
//       posts 1 KiB envelopes to the next client's mailbox in a closed loop
//       (next post once the previous one got its 201, i.e. is durable). Every
//       pushed message is acked over the WebSocket. msgs/s counts messages
//       posted, pushed and acked (the run ends once the relay has processed
//       every ack); p50/p99 are post→push under that load. Bounded: posting
//       stops after kLoadSeconds or kLoadMaxMessages, setup has a deadline.
//       The clients are coroutines on one thread (Beast), so 1,000 clients
//       need 2,000 connections: the relay's max_connections is raised and so
//       is this process's RLIMIT_NOFILE soft limit (to the hard limit).
//   BM_Load/postgres_two_relays/clients:N   the same on two relays sharing
//       one PostgreSQL database: client i is connected to relay i mod 2 and
//       posts to client i + 1, so every message crosses relays (NOTIFY).
//   BM_OpenLoop/{sqlite,echo,postgres}/clients:N   post -> push p50/p99 under
//       an open-loop load (posts sent on a schedule, whatever the replies) at
//       half of the capacity a closed-loop run measured just before.
//   BM_DiskFsync   a 4 KiB write + fdatasync in the temporary directory (the
//       SQLite relay's): the floor under every durable figure.
//   BM_RedisReference/clients:N   the reference: Redis, appendfsync always,
//       1 KiB LPUSH from N clients (redis_reference.cc; skipped without
//       redis-server).
//
// "echo" is the same server, TLS and Router over an in-memory store with no
// fsync (the test MemoryStore): the ratio shows what durability costs.
// "postgres" is the PostgreSQL store on the database BC_BENCH_POSTGRES names
// (a libpq connection string or URI; an empty database of its own, on a
// server with fsync on); without it those rows are skipped. Run:
//   pg_virtualenv -o fsync=on sh -c 'createdb bench &&
//     BC_BENCH_POSTGRES=dbname=bench build/rel/bench/bench_relay'
// (docs/relay.md has the figures).
// The per-connection rate limit is lifted for the benchmark.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backchannel/relay/server.h"
#include "relay/server/memory_store.h"
#include "relay/server/relay_test_util.h"
#include "relay/server/tls_test_client.h"

namespace backchannel::relay {
namespace {

using Json = nlohmann::json;
using testing::OwnerKey;
using testing::TlsTestClient;

struct Relay {
  std::filesystem::path dir;
  std::unique_ptr<Store> store;
  std::unique_ptr<Server> server;
};

// kPostgresSecond: a second relay (its own store, its own pool and LISTEN
// connection) on the database of kPostgres, for the two-relay rows.
enum class Mode { kEcho, kSqlite, kPostgres, kPostgresSecond };

const char* ModeName(Mode m) {
  switch (m) {
    case Mode::kEcho:
      return "echo";
    case Mode::kSqlite:
      return "sqlite";
    case Mode::kPostgres:
      return "postgres";
    case Mode::kPostgresSecond:
      break;
  }
  return "postgres-second";
}

// One relay per mode for the whole run; nullptr (and the reason) when the
// mode cannot run here.
Relay* GetRelay(Mode mode, std::string& why) {
  static std::mutex mu;
  static std::map<Mode, Relay> relays;
  std::lock_guard<std::mutex> l(mu);
  Relay& r = relays[mode];
  if (r.server) return &r;
  r.dir = std::filesystem::temp_directory_path() /
          ("bc-bench-relay-" + std::to_string(::getpid()) + "-" + ModeName(mode));
  std::filesystem::remove_all(r.dir);
  std::filesystem::create_directories(r.dir);
  if (mode == Mode::kSqlite) {
    auto s = OpenSqliteStore((r.dir / "relay.db").string());
    if (!s.ok()) std::abort();
    r.store = std::move(*s);
  } else if (mode == Mode::kPostgres || mode == Mode::kPostgresSecond) {
    const char* conninfo = std::getenv("BC_BENCH_POSTGRES");
    if (conninfo == nullptr || *conninfo == '\0') {
      why = "set BC_BENCH_POSTGRES to an empty PostgreSQL database (see the header)";
      return nullptr;
    }
    auto s = OpenPostgresStore(conninfo);
    if (!s.ok()) {
      why = "PostgreSQL: " + std::string(s.error().message());
      return nullptr;
    }
    r.store = std::move(*s);
  } else {
    r.store = std::make_unique<testing::MemoryStore>();
  }
  ServerOptions o;
  o.data_dir = r.dir.string();
  o.rate = {1e9, 1e9};
  o.address_rate = {1e9, 1e9};
  o.address_mailbox_rate = {1e9, 1e9};
  o.max_connections_per_address = 1 << 20;
  o.router.bundle_rate = {1e9, 1e9};
  // WebSocket frames (acks) are paced at 200/s per connection by default:
  // the load generator acks faster than that at one client.
  o.ws_frame_rate = {1e9, 1e9};
  o.max_connections = 8192;  // BM_Load at 1,000 clients holds 2,000 (+ leftovers closing)
  r.server = std::make_unique<Server>(*r.store, o);
  if (!r.server->Start().ok()) std::abort();
  return &r;
}

struct Mailbox {
  OwnerKey owner;
  std::string id, token;
};

std::int64_t Now() { return SystemClockMs(); }

Mailbox CreateMailbox(TlsTestClient& c) {
  Mailbox m;
  auto r = c.Request("POST", "/v1/mailboxes", Json{{"auth_key", m.owner.PublicB64u()}}.dump());
  if (!r.ok() || r->status != 201) std::abort();
  auto j = Json::parse(r->body);
  m.id = j["mailbox"];
  m.token = j["delivery_token"];
  return m;
}

const std::string kEnvelope(1024, 'e');  // a padded 1 KiB envelope

void BM_PostAck(benchmark::State& state, Mode mode) {
  std::string why;
  Relay* found = GetRelay(mode, why);
  if (found == nullptr) {
    state.SkipWithError(why.c_str());
    return;
  }
  Relay& relay = *found;
  auto c = TlsTestClient::Connect(relay.server->port(), relay.server->cert_sha256());
  if (!c.ok()) {
    state.SkipWithError("connect failed");
    return;
  }
  Mailbox mb = CreateMailbox(**c);
  const std::string base = "/v1/mailboxes/" + mb.id;
  for (auto _ : state) {
    auto p =
        (*c)->Request("POST", base + "/messages", kEnvelope, {{"X-BC-Delivery-Token", mb.token}});
    if (!p.ok() || p->status != 201) {
      state.SkipWithError("post failed");
      break;
    }
    const std::string target = base + "/messages/" + Json::parse(p->body)["id"].get<std::string>();
    auto d = (*c)->Request("DELETE", target, "", mb.owner.Sign("DELETE", target, "", Now()));
    if (!d.ok() || d->status != 204) {
      state.SkipWithError("delete failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PostToPush(benchmark::State& state, Mode mode) {
  std::string why;
  Relay* found = GetRelay(mode, why);
  if (found == nullptr) {
    state.SkipWithError(why.c_str());
    return;
  }
  Relay& relay = *found;
  const auto port = relay.server->port();
  const auto& pin = relay.server->cert_sha256();
  const int n = int(state.range(0));
  auto poster = TlsTestClient::Connect(port, pin);
  if (!poster.ok()) {
    state.SkipWithError("connect failed");
    return;
  }
  std::vector<Mailbox> boxes;
  std::vector<std::unique_ptr<TlsTestClient>> subs;
  for (int i = 0; i < n; ++i) {
    boxes.push_back(CreateMailbox(**poster));
    auto w = TlsTestClient::Connect(port, pin);
    const std::string ws = "/v1/mailboxes/" + boxes.back().id + "/ws";
    if (!w.ok() || !(*w)->OpenWebSocket(ws, boxes.back().owner.Sign("GET", ws, "", Now())).ok()) {
      state.SkipWithError("websocket failed");
      return;
    }
    (void)(*w)->ReadFrame();  // prekeys_low: none uploaded
    subs.push_back(std::move(*w));
  }
  std::vector<double> samples;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ % std::size_t(n);
    const auto start = std::chrono::steady_clock::now();
    auto p = (*poster)->Request("POST", "/v1/mailboxes/" + boxes[k].id + "/messages", kEnvelope,
                                {{"X-BC-Delivery-Token", boxes[k].token}});
    auto f = subs[k]->ReadFrame();
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!p.ok() || p->status != 201 || !f.ok()) {
      state.SkipWithError("post or push failed");
      break;
    }
    state.SetIterationTime(secs);
    samples.push_back(secs);
    const auto id = Json::parse(*f)["id"].get<std::string>();
    if (!subs[k]->WriteFrame(Json{{"type", "ack"}, {"id", id}}.dump()).ok()) {
      state.SkipWithError("ack failed");
      break;
    }
  }
  if (!samples.empty()) {
    std::sort(samples.begin(), samples.end());
    state.counters["p50_us"] = samples[samples.size() / 2] * 1e6;
    state.counters["p99_us"] =
        samples[std::min(samples.size() - 1, samples.size() * 99 / 100)] * 1e6;
  }
  state.SetItemsProcessed(state.iterations());
}

// ---- BM_Load: N concurrent clients, asynchronous (Beast coroutines) ----

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr double kLoadSeconds = 5.0;                // posting phase
constexpr std::uint64_t kLoadMaxMessages = 30'000;  // posting phase, at most
constexpr auto kLoadSetupTimeout = std::chrono::seconds(60);
constexpr auto kLoadDrainTimeout = std::chrono::seconds(60);

struct LoadClient {
  Mailbox mb;
  std::unique_ptr<TlsStream> http;                   // posts
  std::unique_ptr<websocket::stream<TlsStream>> ws;  // receives its own mailbox
};

struct LoadRun {
  net::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  // Client i talks to relays[i % relays.size()] (its WebSocket and its
  // posts) and posts to client i + 1's mailbox: with two relays every
  // message crosses from one to the other (NOTIFY).
  std::vector<net::ip::tcp::endpoint> relays;
  std::vector<LoadClient> clients;
  std::size_t ready = 0;  // clients whose setup finished
  bool stop = false;      // no more posts
  std::size_t posters_done = 0;
  std::uint64_t posted = 0, pushed = 0;
  std::string error;  // first failure
  std::vector<double> latencies;
  std::chrono::steady_clock::time_point start, deadline;
  // Open loop (> 0): each poster sends at this rate whatever the replies
  // (a post every 1/rate s after the previous one's send time, not after
  // its reply), on as many connections as it needs; 0: closed loop.
  double rate_per_client = 0;

  void Fail(std::string what) {
    if (error.empty()) error = std::move(what);
    stop = true;
  }
};

// The envelope carries its send time (steady clock, same process), padded
// to 1 KiB.
std::string StampedEnvelope(std::chrono::steady_clock::time_point t) {
  std::string e = std::to_string(t.time_since_epoch().count()) + ";";
  e.resize(1024, 'e');
  return e;
}

net::awaitable<beast::error_code> Dial(const net::ip::tcp::endpoint& relay, TlsStream& s) {
  beast::error_code ec;
  auto tok = net::redirect_error(net::use_awaitable, ec);
  beast::get_lowest_layer(s).expires_after(kLoadSetupTimeout);
  co_await beast::get_lowest_layer(s).async_connect(relay, tok);
  if (!ec) co_await s.async_handshake(ssl::stream_base::client, tok);
  beast::get_lowest_layer(s).expires_never();
  co_return ec;
}

// Outside the coroutines: GCC 12 cannot keep an initializer list alive in a
// coroutine frame.
std::string CreateMailboxBody(const OwnerKey& owner) {
  return Json{{"auth_key", owner.PublicB64u()}}.dump();
}
std::string AckFrame(const std::string& id) { return Json{{"type", "ack"}, {"id", id}}.dump(); }

net::awaitable<void> SetUpClient(LoadRun& run, LoadClient& c, std::size_t index) {
  beast::error_code ec;
  auto tok = net::redirect_error(net::use_awaitable, ec);
  const net::ip::tcp::endpoint relay = run.relays[index % run.relays.size()];
  c.http = std::make_unique<TlsStream>(run.ioc, run.ctx);
  if ((ec = co_await Dial(relay, *c.http))) co_return run.Fail("connect: " + ec.message());
  http::request<http::string_body> req{http::verb::post, "/v1/mailboxes", 11};
  req.set(http::field::host, "127.0.0.1");
  req.body() = CreateMailboxBody(c.mb.owner);
  req.prepare_payload();
  co_await http::async_write(*c.http, req, tok);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  if (!ec) co_await http::async_read(*c.http, buf, res, tok);
  if (ec || res.result_int() != 201) co_return run.Fail("create mailbox: " + ec.message());
  auto j = Json::parse(res.body());
  c.mb.id = j["mailbox"];
  c.mb.token = j["delivery_token"];

  c.ws = std::make_unique<websocket::stream<TlsStream>>(run.ioc, run.ctx);
  if ((ec = co_await Dial(relay, c.ws->next_layer()))) {
    co_return run.Fail("connect: " + ec.message());
  }
  const std::string target = "/v1/mailboxes/" + c.mb.id + "/ws";
  c.ws->set_option(websocket::stream_base::decorator(
      [h = c.mb.owner.Sign("GET", target, "", Now())](websocket::request_type& r) {
        for (const auto& [k, v] : h) r.set(k, v);
      }));
  co_await c.ws->async_handshake("127.0.0.1", target, tok);
  if (ec) co_return run.Fail("websocket: " + ec.message());
  ++run.ready;
}

net::awaitable<void> Poster(LoadRun& run, LoadClient& from, const LoadClient& to,
                            std::size_t index) {
  beast::error_code ec;
  auto tok = net::redirect_error(net::use_awaitable, ec);
  beast::flat_buffer buf;
  // Open loop: post k is due at start + phase + k x interval (phases spread
  // the clients evenly) and carries that due time, not the time it was
  // sent: a late reply delays the next post, and that delay counts in the
  // latency (no coordinated omission).
  net::steady_timer timer(run.ioc);
  const bool open_loop = run.rate_per_client > 0;
  const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(open_loop ? 1.0 / run.rate_per_client : 0.0));
  auto due = run.start + interval * static_cast<std::int64_t>(index) /
                             static_cast<std::int64_t>(run.clients.size());
  http::request<http::string_body> req{http::verb::post, "/v1/mailboxes/" + to.mb.id + "/messages",
                                       11};
  req.set(http::field::host, "127.0.0.1");
  req.set("X-BC-Delivery-Token", to.mb.token);
  req.set(http::field::content_type, "application/octet-stream");
  while (!run.stop) {
    auto now = std::chrono::steady_clock::now();
    if (open_loop) {
      if (due > now) {
        timer.expires_at(due);
        co_await timer.async_wait(tok);
        if (run.stop) break;
      }
      now = due;
      due += interval;
    }
    if (now >= run.deadline || run.posted >= kLoadMaxMessages) {
      run.stop = true;
      break;
    }
    ++run.posted;
    req.body() = StampedEnvelope(now);
    req.prepare_payload();
    co_await http::async_write(*from.http, req, tok);
    http::response<http::string_body> res;
    if (!ec) co_await http::async_read(*from.http, buf, res, tok);
    if (ec || res.result_int() != 201) {
      --run.posted;
      run.Fail("post: " + (ec ? ec.message() : std::to_string(res.result_int()) + res.body()));
      break;
    }
  }
  ++run.posters_done;
}

net::awaitable<void> Receiver(LoadRun& run, LoadClient& c) {
  beast::error_code ec;
  auto tok = net::redirect_error(net::use_awaitable, ec);
  beast::flat_buffer buf;
  for (;;) {
    co_await c.ws->async_read(buf, tok);
    const auto now = std::chrono::steady_clock::now();
    if (ec) co_return;  // closed at the end of the run
    auto j = Json::parse(beast::buffers_to_string(buf.data()), nullptr, false);
    buf.consume(buf.size());
    if (!j.is_object() || j["type"] != "message") continue;  // prekeys_low
    const std::string env(AsString(testing::FromB64u(j["envelope"].get<std::string>())));
    const std::chrono::steady_clock::time_point sent{
        std::chrono::steady_clock::duration{std::stoll(env.substr(0, env.find(';')))}};
    run.latencies.push_back(std::chrono::duration<double>(now - sent).count());
    ++run.pushed;
    const std::string ack = AckFrame(j["id"].get<std::string>());
    c.ws->text(true);
    co_await c.ws->async_write(net::buffer(ack), tok);
    if (ec) co_return run.Fail("ack: " + ec.message());
  }
}

// Waits for setup, starts posting, waits until every posted message was
// pushed and acked at the relay, then closes every connection.
net::awaitable<void> Controller(LoadRun& run, const std::vector<Metrics*>& metrics,
                                double& seconds) {
  auto acked = [&] {
    std::uint64_t n = 0;
    for (const Metrics* m : metrics) n += m->acked.load();
    return n;
  };
  net::steady_timer timer(run.ioc);
  auto tick = [&]() -> net::awaitable<void> {
    timer.expires_after(std::chrono::milliseconds(1));
    co_await timer.async_wait(net::use_awaitable);
  };
  const auto setup_end = std::chrono::steady_clock::now() + kLoadSetupTimeout;
  while (run.ready < run.clients.size() && run.error.empty()) {
    if (std::chrono::steady_clock::now() > setup_end) run.Fail("setup timed out");
    co_await tick();
  }
  const std::uint64_t acked_before = acked();
  if (run.error.empty()) {
    run.start = std::chrono::steady_clock::now();
    run.deadline = run.start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(kLoadSeconds));
    const std::size_t n = run.clients.size();
    for (std::size_t i = 0; i < n; ++i) {
      net::co_spawn(run.ioc, Receiver(run, run.clients[i]), net::detached);
      net::co_spawn(run.ioc, Poster(run, run.clients[i], run.clients[(i + 1) % n], i),
                    net::detached);
    }
    const auto drain_end = run.deadline + kLoadDrainTimeout;
    while (run.error.empty() && (run.posters_done < n || run.pushed < run.posted ||
                                 acked() - acked_before < run.posted)) {
      if (std::chrono::steady_clock::now() > drain_end) run.Fail("drain timed out");
      co_await tick();
    }
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
  }
  for (auto& c : run.clients) {
    beast::error_code ignored;
    if (c.http) beast::get_lowest_layer(*c.http).socket().close(ignored);
    if (c.ws) beast::get_lowest_layer(*c.ws).socket().close(ignored);
  }
}

// 1,000 clients hold 4,000 descriptors in this process (both ends).
void RaiseFileLimit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) std::perror("setrlimit");
  }
}

// What one load run measured.
struct LoadResult {
  std::string error;  // empty when it ran
  double seconds = 0;
  std::uint64_t posted = 0;
  std::vector<double> latencies;  // sorted, seconds
};

// N clients on `relays` for kLoadSeconds: closed loop, or open loop at
// `rate_per_client` posts/s each.
LoadResult RunLoad(const std::vector<Relay*>& relays, std::size_t n, double rate_per_client) {
  LoadRun run;
  run.rate_per_client = rate_per_client;
  std::vector<Metrics*> metrics;
  for (Relay* r : relays) {
    run.relays.emplace_back(net::ip::make_address("127.0.0.1"), r->server->port());
    metrics.push_back(&r->server->metrics());
  }
  SSL_CTX_set_min_proto_version(run.ctx.native_handle(), TLS1_3_VERSION);
  run.ctx.set_verify_mode(ssl::verify_none);  // the client side's checks are not measured
  run.clients.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    net::co_spawn(run.ioc, SetUpClient(run, run.clients[i], i), net::detached);
  }
  LoadResult out;
  net::co_spawn(run.ioc, Controller(run, metrics, out.seconds), net::detached);
  run.ioc.run();
  out.error = run.error;
  out.posted = run.posted;
  out.latencies = std::move(run.latencies);
  std::sort(out.latencies.begin(), out.latencies.end());
  return out;
}

double Percentile(const std::vector<double>& sorted, std::size_t percent) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, sorted.size() * percent / 100)];
}

// The relays a mode runs on: one, or (kPostgresSecond) the kPostgres relay
// and a second one on the same database.
std::vector<Relay*> RelaysFor(Mode mode, std::string& why) {
  std::vector<Relay*> relays;
  if (mode == Mode::kPostgresSecond) {
    Relay* first = GetRelay(Mode::kPostgres, why);
    if (first == nullptr) return {};
    relays.push_back(first);
  }
  Relay* r = GetRelay(mode, why);
  if (r == nullptr) return {};
  relays.push_back(r);
  return relays;
}

void BM_Load(benchmark::State& state, Mode mode) {
  std::string why;
  const std::vector<Relay*> relays = RelaysFor(mode, why);
  if (relays.empty()) {
    state.SkipWithError(why.c_str());
    return;
  }
  const auto n = std::size_t(state.range(0));
  for (auto _ : state) {
    LoadResult r = RunLoad(relays, n, 0);
    if (!r.error.empty()) {
      state.SkipWithError(r.error.c_str());
      break;
    }
    state.SetIterationTime(r.seconds);
    state.SetItemsProcessed(std::int64_t(r.posted));
    if (!r.latencies.empty()) {
      state.counters["msgs"] = double(r.posted);
      state.counters["p50_us"] = Percentile(r.latencies, 50) * 1e6;
      state.counters["p99_us"] = Percentile(r.latencies, 99) * 1e6;
    }
  }
}

// BM_OpenLoop/{sqlite,echo,postgres}/clients:N: post -> push latency under
// an open-loop load at half of the relay's capacity. Capacity is measured
// first, in the same iteration, by a closed-loop run (BM_Load's); then every
// client posts at capacity / 2 / N per second for kLoadSeconds, whatever the
// replies. Counters: capacity and offered msgs/s, p50/p99 of the open run.
void BM_OpenLoop(benchmark::State& state, Mode mode) {
  std::string why;
  const std::vector<Relay*> relays = RelaysFor(mode, why);
  if (relays.empty()) {
    state.SkipWithError(why.c_str());
    return;
  }
  const auto n = std::size_t(state.range(0));
  for (auto _ : state) {
    LoadResult closed = RunLoad(relays, n, 0);
    if (!closed.error.empty() || closed.seconds <= 0) {
      state.SkipWithError(("capacity run: " + closed.error).c_str());
      break;
    }
    const double capacity = double(closed.posted) / closed.seconds;
    LoadResult open = RunLoad(relays, n, capacity / 2 / double(n));
    if (!open.error.empty()) {
      state.SkipWithError(open.error.c_str());
      break;
    }
    state.SetIterationTime(open.seconds);
    state.SetItemsProcessed(std::int64_t(open.posted));
    state.counters["capacity"] = capacity;
    state.counters["offered"] = capacity / 2;
    state.counters["p50_us"] = Percentile(open.latencies, 50) * 1e6;
    state.counters["p99_us"] = Percentile(open.latencies, 99) * 1e6;
  }
}

// BM_DiskFsync: what one durable commit costs at least on this disk: a
// 4 KiB write then fdatasync, on a file in the directory the SQLite relay
// store uses (the system's temporary directory, as GetRelay). The durable
// rows mean little without it: their latency is a few of these.
void BM_DiskFsync(benchmark::State& state) {
  const auto path =
      std::filesystem::temp_directory_path() / ("bc-bench-fsync-" + std::to_string(::getpid()));
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    state.SkipWithError("cannot create the probe file");
    return;
  }
  const std::string page(4096, 'f');
  std::vector<double> times;
  std::int64_t k = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto offset = static_cast<off_t>((k++ % 16) * 4096);
    if (::pwrite(fd, page.data(), page.size(), offset) != static_cast<ssize_t>(page.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write or fdatasync failed");
      break;
    }
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  ::close(fd);
  std::filesystem::remove(path);
  std::sort(times.begin(), times.end());
  state.counters["p50_us"] = Percentile(times, 50) * 1e6;
  state.counters["p99_us"] = Percentile(times, 99) * 1e6;
}

BENCHMARK_CAPTURE(BM_PostAck, sqlite, Mode::kSqlite)
    ->Threads(1)
    ->Threads(8)
    ->UseRealTime()
    ->MinTime(2.0);
BENCHMARK_CAPTURE(BM_PostAck, echo, Mode::kEcho)
    ->Threads(1)
    ->Threads(8)
    ->UseRealTime()
    ->MinTime(2.0);
BENCHMARK_CAPTURE(BM_PostAck, postgres, Mode::kPostgres)
    ->Threads(1)
    ->Threads(8)
    ->UseRealTime()
    ->MinTime(2.0);
BENCHMARK_CAPTURE(BM_PostToPush, sqlite, Mode::kSqlite)
    ->ArgName("clients")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseManualTime()
    ->Iterations(300);
BENCHMARK_CAPTURE(BM_PostToPush, echo, Mode::kEcho)
    ->ArgName("clients")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseManualTime()
    ->Iterations(300);

BENCHMARK_CAPTURE(BM_Load, sqlite, Mode::kSqlite)
    ->ArgName("clients")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Load, echo, Mode::kEcho)
    ->ArgName("clients")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_CAPTURE(BM_Load, postgres, Mode::kPostgres)
    ->ArgName("clients")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->Arg(1000)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
// Two relays on one PostgreSQL database, every message posted through one and
// pushed by the other (overhead and correctness: on two cores shared by both
// relays, the database and the load generator it cannot show scale-out).
BENCHMARK_CAPTURE(BM_Load, postgres_two_relays, Mode::kPostgresSecond)
    ->ArgName("clients")
    ->Arg(100)
    ->Arg(1000)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_CAPTURE(BM_OpenLoop, sqlite, Mode::kSqlite)
    ->ArgName("clients")
    ->Arg(100)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_OpenLoop, echo, Mode::kEcho)
    ->ArgName("clients")
    ->Arg(100)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_OpenLoop, postgres, Mode::kPostgres)
    ->ArgName("clients")
    ->Arg(100)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_DiskFsync)->Iterations(500);

}  // namespace
}  // namespace backchannel::relay

int main(int argc, char** argv) {
  backchannel::relay::RaiseFileLimit();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
