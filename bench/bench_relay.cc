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
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

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

enum class Mode { kEcho, kSqlite, kPostgres };

const char* ModeName(Mode m) {
  return m == Mode::kEcho ? "echo" : m == Mode::kSqlite ? "sqlite" : "postgres";
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
  } else if (mode == Mode::kPostgres) {
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
  net::ip::tcp::endpoint relay;
  std::vector<LoadClient> clients;
  std::size_t ready = 0;  // clients whose setup finished
  bool stop = false;      // no more posts
  std::size_t posters_done = 0;
  std::uint64_t posted = 0, pushed = 0;
  std::string error;  // first failure
  std::vector<double> latencies;
  std::chrono::steady_clock::time_point start, deadline;

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

net::awaitable<beast::error_code> Dial(LoadRun& run, TlsStream& s) {
  beast::error_code ec;
  auto tok = net::redirect_error(net::use_awaitable, ec);
  beast::get_lowest_layer(s).expires_after(kLoadSetupTimeout);
  co_await beast::get_lowest_layer(s).async_connect(run.relay, tok);
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

net::awaitable<void> SetUpClient(LoadRun& run, LoadClient& c) {
  beast::error_code ec;
  auto tok = net::redirect_error(net::use_awaitable, ec);
  c.http = std::make_unique<TlsStream>(run.ioc, run.ctx);
  if ((ec = co_await Dial(run, *c.http))) co_return run.Fail("connect: " + ec.message());
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
  if ((ec = co_await Dial(run, c.ws->next_layer()))) {
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

net::awaitable<void> Poster(LoadRun& run, LoadClient& from, const LoadClient& to) {
  beast::error_code ec;
  auto tok = net::redirect_error(net::use_awaitable, ec);
  beast::flat_buffer buf;
  http::request<http::string_body> req{http::verb::post, "/v1/mailboxes/" + to.mb.id + "/messages",
                                       11};
  req.set(http::field::host, "127.0.0.1");
  req.set("X-BC-Delivery-Token", to.mb.token);
  req.set(http::field::content_type, "application/octet-stream");
  while (!run.stop) {
    const auto now = std::chrono::steady_clock::now();
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
net::awaitable<void> Controller(LoadRun& run, Metrics& metrics, double& seconds) {
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
  const std::uint64_t acked_before = metrics.acked.load();
  if (run.error.empty()) {
    run.start = std::chrono::steady_clock::now();
    run.deadline = run.start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(kLoadSeconds));
    const std::size_t n = run.clients.size();
    for (std::size_t i = 0; i < n; ++i) {
      net::co_spawn(run.ioc, Receiver(run, run.clients[i]), net::detached);
      net::co_spawn(run.ioc, Poster(run, run.clients[i], run.clients[(i + 1) % n]), net::detached);
    }
    const auto drain_end = run.deadline + kLoadDrainTimeout;
    while (run.error.empty() && (run.posters_done < n || run.pushed < run.posted ||
                                 metrics.acked.load() - acked_before < run.posted)) {
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

void BM_Load(benchmark::State& state, Mode mode) {
  std::string why;
  Relay* found = GetRelay(mode, why);
  if (found == nullptr) {
    state.SkipWithError(why.c_str());
    return;
  }
  Relay& relay = *found;
  const auto n = std::size_t(state.range(0));
  for (auto _ : state) {
    LoadRun run;
    run.relay = {net::ip::make_address("127.0.0.1"), relay.server->port()};
    SSL_CTX_set_min_proto_version(run.ctx.native_handle(), TLS1_3_VERSION);
    run.ctx.set_verify_mode(ssl::verify_none);  // the client side's checks are not measured
    run.clients.resize(n);
    for (auto& c : run.clients) net::co_spawn(run.ioc, SetUpClient(run, c), net::detached);
    double seconds = 0;
    net::co_spawn(run.ioc, Controller(run, relay.server->metrics(), seconds), net::detached);
    run.ioc.run();
    if (!run.error.empty()) {
      state.SkipWithError(run.error.c_str());
      break;
    }
    state.SetIterationTime(seconds);
    state.SetItemsProcessed(std::int64_t(run.posted));
    std::sort(run.latencies.begin(), run.latencies.end());
    const auto& l = run.latencies;
    if (!l.empty()) {
      state.counters["msgs"] = double(run.posted);
      state.counters["p50_us"] = l[l.size() / 2] * 1e6;
      state.counters["p99_us"] = l[std::min(l.size() - 1, l.size() * 99 / 100)] * 1e6;
    }
  }
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
