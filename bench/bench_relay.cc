// bench_relay: the relay over TLS on loopback (issue 3, "Speed").
//
//   BM_PostAck/{sqlite,echo}/threads:T   T client connections, each posting an
//       envelope (201 only once durable) and deleting it (signed DELETE).
//   BM_PostToPush/{sqlite,echo}/clients:N   N WebSocket clients connected,
//       each on its own mailbox; one poster posts to them in turn and the time
//       from sending the POST to the recipient reading the pushed frame is
//       measured (then it acks over the WebSocket). p50/p99 in counters.
//
// "echo" is the same server, TLS and Router over an in-memory store with no
// fsync (the test MemoryStore): the ratio shows what durability costs.
// The per-connection rate limit is lifted for the benchmark.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
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

// One relay per mode for the whole run.
Relay& GetRelay(bool durable) {
  static std::mutex mu;
  static std::map<bool, Relay> relays;
  std::lock_guard<std::mutex> l(mu);
  Relay& r = relays[durable];
  if (r.server) return r;
  r.dir = std::filesystem::temp_directory_path() /
          ("bc-bench-relay-" + std::to_string(::getpid()) + (durable ? "-sqlite" : "-echo"));
  std::filesystem::remove_all(r.dir);
  std::filesystem::create_directories(r.dir);
  if (durable) {
    auto s = OpenSqliteStore((r.dir / "relay.db").string());
    if (!s.ok()) std::abort();
    r.store = std::move(*s);
  } else {
    r.store = std::make_unique<testing::MemoryStore>();
  }
  ServerOptions o;
  o.data_dir = r.dir.string();
  o.rate_per_second = 1e9;
  o.rate_burst = 1e9;
  r.server = std::make_unique<Server>(*r.store, o);
  if (!r.server->Start().ok()) std::abort();
  return r;
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

void BM_PostAck(benchmark::State& state, bool durable) {
  Relay& relay = GetRelay(durable);
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

void BM_PostToPush(benchmark::State& state, bool durable) {
  Relay& relay = GetRelay(durable);
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

BENCHMARK_CAPTURE(BM_PostAck, sqlite, true)->Threads(1)->Threads(8)->UseRealTime()->MinTime(2.0);
BENCHMARK_CAPTURE(BM_PostAck, echo, false)->Threads(1)->Threads(8)->UseRealTime()->MinTime(2.0);
BENCHMARK_CAPTURE(BM_PostToPush, sqlite, true)
    ->ArgName("clients")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseManualTime()
    ->Iterations(300);
BENCHMARK_CAPTURE(BM_PostToPush, echo, false)
    ->ArgName("clients")
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseManualTime()
    ->Iterations(300);

}  // namespace
}  // namespace backchannel::relay

BENCHMARK_MAIN();
