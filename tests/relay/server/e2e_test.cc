// End-to-end tests: the real backchanneld binary as a child process on port 0
// with a temporary data directory, spoken to over TLS 1.3 with the
// certificate pinned.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "relay/server/relay_e2e_fixture.h"

namespace backchannel::relay::testing {
namespace {

TEST_F(RelayE2eTest, WrongPinFailsTheHandshake) {
  std::string wrong = relay_->pin();
  wrong[0] = wrong[0] == '0' ? '1' : '0';
  EXPECT_FALSE(TlsTestClient::Connect(relay_->port(), wrong).ok());
  EXPECT_TRUE(TlsTestClient::Connect(relay_->port(), relay_->pin()).ok());
}

// A TLS handshake with the relay on 127.0.0.1:`port` by a client whose
// highest version is `max_version` (no certificate check: only the version
// is under test). True when it completes.
bool HandshakeUpTo(std::uint16_t port, int max_version) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool done = false;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(ctx, max_version);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    done = SSL_connect(ssl) == 1;
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
  close(fd);
  return done;
}

// The relay speaks TLS 1.3 only (crypto::RequireTls13): a client that offers
// at most TLS 1.2 gets no session.
TEST_F(RelayE2eTest, Tls12IsRefused) {
  EXPECT_FALSE(HandshakeUpTo(relay_->port(), TLS1_2_VERSION));
  EXPECT_TRUE(HandshakeUpTo(relay_->port(), TLS1_3_VERSION));
}

// --tls-cert/--tls-key: several relays serve one identity (one pin), and
// only from files no one else can read whose key fits the certificate.
TEST_F(RelayE2eTest, RelaysShareOneTlsIdentityFromFiles) {
  namespace fs = std::filesystem;
  const std::string cert = (dir_ / "relay-cert.pem").string();
  const std::string key = (dir_ / "relay-key.pem").string();
  auto start = [&](const std::string& name, const std::string& c, const std::string& k) {
    const fs::path data = dir_ / name;
    fs::create_directories(data);
    return RelayProcess::Start(BACKCHANNELD_PATH, {"--listen", "127.0.0.1:0", "--data",
                                                   data.string(), "--tls-cert", c, "--tls-key", k});
  };
  auto second = start("second", cert, key);
  ASSERT_TRUE(second.ok()) << second.error();
  EXPECT_EQ((*second)->pin(), relay_->pin());
  EXPECT_TRUE(TlsTestClient::Connect((*second)->port(), relay_->pin()).ok());
  EXPECT_FALSE(fs::exists(dir_ / "second" / "relay-key.pem"));  // no identity of its own

  // A key of another identity (made by a relay with its own directory).
  auto own = RelayProcess::Start(BACKCHANNELD_PATH,
                                 {"--listen", "127.0.0.1:0", "--data", (dir_ / "own").string()});
  ASSERT_TRUE(own.ok());
  own->reset();
  EXPECT_FALSE(start("mismatch", cert, (dir_ / "own" / "relay-key.pem").string()).ok());

  // Readable by others: refused, for the key and for the certificate.
  fs::permissions(key, fs::perms::group_read, fs::perm_options::add);
  EXPECT_FALSE(start("open-key", cert, key).ok());
  fs::permissions(key, fs::perms::group_read, fs::perm_options::remove);
  fs::permissions(cert, fs::perms::others_read, fs::perm_options::add);
  EXPECT_FALSE(start("open-cert", cert, key).ok());
  fs::permissions(cert, fs::perms::others_read, fs::perm_options::remove);
  EXPECT_FALSE(start("missing", cert, key + ".nope").ok());
  EXPECT_TRUE(start("again", cert, key).ok());
}

// What backchanneld prints (stdout and stderr) and its exit code, for runs
// that refuse to start.
struct RefusedStart {
  int code = -1;
  std::string output;
};
RefusedStart RunRefusedRelay(const std::vector<std::string>& args) {
  std::string command = std::string(BACKCHANNELD_PATH);
  for (const auto& a : args) command += " '" + a + "'";
  command += " 2>&1";
  RefusedStart out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out.output += buf;
  const int status = ::pclose(p);
  out.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

// A pin rollover (docs/relay.md): --tls-next-cert announces the next
// certificate's pin on GET /v1/pins and in the startup line; the relay
// still serves the current certificate.
TEST_F(RelayE2eTest, ANextCertificateIsServedAsTheNextPin) {
  namespace fs = std::filesystem;
  // Without one, /v1/pins has the current pin only.
  {
    auto c = Client();
    ASSERT_TRUE(c);
    auto pins = Call(*c, "GET", "/v1/pins");
    ASSERT_EQ(pins.status, 200) << pins.body;
    EXPECT_EQ(Json::parse(pins.body), (Json{{"current", relay_->pin()}}));
    EXPECT_EQ(relay_->next_pin(), "");
    auto c2 = Client();
    ASSERT_TRUE(c2);
    EXPECT_EQ(Call(*c2, "POST", "/v1/pins").status, 405);
  }
  // Another identity's certificate (a relay with its own directory made it).
  auto other = RelayProcess::Start(BACKCHANNELD_PATH,
                                   {"--listen", "127.0.0.1:0", "--data", (dir_ / "next").string()});
  ASSERT_TRUE(other.ok()) << other.error();
  const std::string next_pin = (*other)->pin();
  other->reset();
  const std::string next_cert = (dir_ / "next" / "relay-cert.pem").string();

  relay_.reset();
  StartRelay({"--tls-next-cert", next_cert});
  EXPECT_EQ(relay_->next_pin(), next_pin);
  auto c = Client();  // pinned to the current certificate: still the one served
  ASSERT_TRUE(c);
  auto pins = Call(*c, "GET", "/v1/pins");
  ASSERT_EQ(pins.status, 200) << pins.body;
  EXPECT_EQ(Json::parse(pins.body), (Json{{"current", relay_->pin()}, {"next", next_pin}}));
  EXPECT_FALSE(TlsTestClient::Connect(relay_->port(), next_pin).ok());

  // Refused at start, with the reason: not a certificate, the current one,
  // a file that is not there.
  const std::string current_cert = (dir_ / "relay-cert.pem").string();
  const std::string not_pem = (dir_ / "not-a-cert.pem").string();
  {
    std::ofstream out(not_pem);
    out << "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
  }
  const std::string data = (dir_ / "refused").string();
  auto refused =
      RunRefusedRelay({"--listen", "127.0.0.1:0", "--data", data, "--tls-cert", current_cert,
                       "--tls-key", (dir_ / "relay-key.pem").string(), "--tls-next-cert", not_pem});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.output.find("--tls-next-cert " + not_pem + ": not a PEM certificate"),
            std::string::npos)
      << refused.output;
  refused = RunRefusedRelay({"--listen", "127.0.0.1:0", "--data", data, "--tls-cert", current_cert,
                             "--tls-key", (dir_ / "relay-key.pem").string(), "--tls-next-cert",
                             current_cert});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.output.find("is the certificate served now"), std::string::npos)
      << refused.output;
  refused = RunRefusedRelay({"--listen", "127.0.0.1:0", "--data", data, "--tls-next-cert",
                             (dir_ / "absent.pem").string()});
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.output.find("absent.pem"), std::string::npos) << refused.output;
  EXPECT_EQ(refused.output.find("listening"), std::string::npos) << refused.output;

  // --print-pin: a certificate file's pin, without starting (the operator's
  // first step of a rollover); the same refusals.
  auto printed = RunRefusedRelay({"--print-pin", next_cert});
  EXPECT_EQ(printed.code, 0);
  EXPECT_EQ(printed.output, next_pin + "\n");
  printed = RunRefusedRelay({"--print-pin", not_pem});
  EXPECT_EQ(printed.code, 2);
  EXPECT_NE(printed.output.find(not_pem + ": not a PEM certificate"), std::string::npos)
      << printed.output;
}

TEST_F(RelayE2eTest, MailboxPreKeysBundlePostListAck) {
  auto c = Client();
  ASSERT_TRUE(c);
  EXPECT_EQ(Call(*c, "GET", "/healthz").body, "ok");
  CreateMailbox(*c);
  Json ot = Json::array();
  for (int i = 1; i <= 3; ++i) ot.push_back({{"id", i}, {"key", OneTimeKeyB64u(std::uint8_t(i))}});
  auto put = Signed(*c, "PUT", Path("/prekeys"),
                    Json{{"bundle", B64u(AsBytes("base"))}, {"one_time", ot}}.dump());
  ASSERT_EQ(put.status, 204) << put.body;
  auto b1 =
      Json::parse(Call(*c, "GET", Path("/bundle"), "", {{"X-BC-Delivery-Token", token_}}).body);
  auto b2 =
      Json::parse(Call(*c, "GET", Path("/bundle"), "", {{"X-BC-Delivery-Token", token_}}).body);
  EXPECT_EQ(b1["bundle_base"], B64u(AsBytes("base")));
  EXPECT_NE(b1["one_time"]["id"], b2["one_time"]["id"]);
  EXPECT_NE(b1["one_time"]["key"], b2["one_time"]["key"]);

  const std::string id = Post(*c, "sealed-envelope");
  Json list = List(*c);
  ASSERT_EQ(list["messages"].size(), 1u);
  EXPECT_EQ(list["messages"][0]["id"], id);
  EXPECT_EQ(AsString(FromB64u(list["messages"][0]["envelope"].get<std::string>())),
            "sealed-envelope");
  EXPECT_EQ(list["one_time_remaining"], 1);
  EXPECT_EQ(Signed(*c, "DELETE", Path("/messages/" + id)).status, 204);
  EXPECT_EQ(List(*c)["messages"].size(), 0u);
  auto status = Json::parse(Signed(*c, "GET", Path("/status")).body);
  EXPECT_EQ(status["queued"], 0);
  EXPECT_EQ(status["prekeys_low"], true);
  auto metrics = Call(*c, "GET", "/metrics", "", MetricsAuth()).body;
  EXPECT_NE(metrics.find("bc_messages_accepted_total 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("bc_messages_acked_total 1"), std::string::npos);
  EXPECT_NE(metrics.find("bc_connections 1"), std::string::npos);
}

TEST_F(RelayE2eTest, RefusalsOverTheWire) {
  relay_.reset();
  StartRelay({"--max-envelope", "1000"});
  auto c = Client();
  ASSERT_TRUE(c);
  CreateMailbox(*c);
  auto big = Call(*c, "POST", Path("/messages"), std::string(2000, 'x'),
                  {{"X-BC-Delivery-Token", token_}});
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(Json::parse(big.body)["error"], "too_large");
  auto c2 = Client();
  ASSERT_TRUE(c2);
  auto wrong =
      Call(*c2, "POST", Path("/messages"), "x", {{"X-BC-Delivery-Token", B64u(Bytes(32))}});
  EXPECT_EQ(wrong.status, 403);
  auto stale = Call(*c2, "GET", Path("/status"), "",
                    owner_.Sign("GET", Path("/status"), "", NowMs() - 600'000));
  EXPECT_EQ(Json::parse(stale.body)["error"], "stale_timestamp");
  auto c3 = Client();
  ASSERT_TRUE(c3);
  auto garbage = c3->RawRequest("NOT HTTP AT ALL\r\n\r\n");
  ASSERT_TRUE(garbage.ok()) << garbage.error();
  EXPECT_EQ(garbage->status, 400);
  EXPECT_EQ(List(*c2)["messages"].size(), 0u);
}

TEST_F(RelayE2eTest, PerConnectionRateLimit) {
  auto c = Client();
  ASSERT_TRUE(c);
  int limited = 0;
  // Burst 100, then 50/s: a request loop faster than 50/s meets a 429. Up
  // to 2,000 requests, so that a slow (sanitized, loaded) run meets it too.
  for (int i = 0; i < 2000 && limited == 0; ++i) {
    auto r = Call(*c, "GET", "/healthz");
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(Json::parse(r.body)["error"], "rate_limited");
    }
  }
  EXPECT_EQ(limited, 1);
  // Another connection has its own bucket.
  auto c2 = Client();
  ASSERT_TRUE(c2);
  EXPECT_EQ(Call(*c2, "GET", "/healthz").status, 200);
}

TEST_F(RelayE2eTest, WebSocketPushesQueuedAndNewMessages) {
  auto c = Client();
  ASSERT_TRUE(c);
  CreateMailbox(*c);
  const std::string queued = Post(*c, "before");
  auto w = Client();
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->OpenWebSocket(Path("/ws"), owner_.Sign("GET", Path("/ws"), "", NowMs())).ok());
  // prekeys_low first (no one-time keys uploaded) or the queued message.
  std::vector<Json> frames;
  for (int i = 0; i < 2; ++i) {
    auto f = w->ReadFrame();
    ASSERT_TRUE(f.ok()) << f.error();
    frames.push_back(Json::parse(*f));
  }
  auto is_message = [](const Json& j) { return j["type"] == "message"; };
  auto m = std::find_if(frames.begin(), frames.end(), is_message);
  ASSERT_NE(m, frames.end());
  EXPECT_EQ((*m)["id"], queued);
  EXPECT_EQ(AsString(FromB64u((*m)["envelope"].get<std::string>())), "before");

  const std::string live = Post(*c, "while-connected");
  auto f = w->ReadFrame();
  ASSERT_TRUE(f.ok()) << f.error();
  auto j = Json::parse(*f);
  EXPECT_EQ(j["type"], "message");
  EXPECT_EQ(j["id"], live);

  ASSERT_TRUE(w->WriteFrame(Json{{"type", "ack"}, {"id", queued}}.dump()).ok());
  ASSERT_TRUE(w->WriteFrame(Json{{"type", "ack"}, {"id", live}}.dump()).ok());
  ASSERT_TRUE(w->WriteFrame("nonsense").ok());
  auto err = w->ReadFrame();
  ASSERT_TRUE(err.ok()) << err.error();
  EXPECT_EQ(Json::parse(*err)["type"], "error");  // acks were handled before it
  EXPECT_EQ(List(*c)["messages"].size(), 0u);
}

TEST_F(RelayE2eTest, WebSocketPushesAFullQueueInPages) {
  auto c = Client();
  ASSERT_TRUE(c);
  CreateMailbox(*c);
  // 258 messages (the server pushes 256 per page), posted from 3 connections
  // in parallel to stay inside each connection's rate limit.
  std::vector<std::thread> posters;
  for (int t = 0; t < 3; ++t) {
    posters.emplace_back([this] {
      auto p = TlsTestClient::Connect(relay_->port(), relay_->pin());
      ASSERT_TRUE(p.ok());
      for (int i = 0; i < 86; ++i) {
        auto r = (*p)->Request("POST", Path("/messages"), "m", {{"X-BC-Delivery-Token", token_}});
        ASSERT_TRUE(r.ok() && r->status == 201);
      }
    });
  }
  for (auto& t : posters) t.join();
  auto w = Client();
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->OpenWebSocket(Path("/ws"), owner_.Sign("GET", Path("/ws"), "", NowMs())).ok());
  std::set<std::string> seen;
  while (seen.size() < 258) {
    auto f = w->ReadFrame();
    ASSERT_TRUE(f.ok()) << "after " << seen.size() << ": " << f.error();
    auto j = Json::parse(*f);
    if (j["type"] != "message") continue;
    seen.insert(j["id"].get<std::string>());
    ASSERT_TRUE(w->WriteFrame(Json{{"type", "ack"}, {"id", j["id"]}}.dump()).ok());
  }
  EXPECT_FALSE(w->ReadFrame(std::chrono::milliseconds(100)).ok());  // nothing more
  EXPECT_EQ(List(*c)["messages"].size(), 0u);
}

TEST_F(RelayE2eTest, UnsignedWebSocketUpgradeIsRefused) {
  auto c = Client();
  ASSERT_TRUE(c);
  CreateMailbox(*c);
  auto w = Client();
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->OpenWebSocket(Path("/ws"), {}).ok());
}

TEST_F(RelayE2eTest, QueuedMessagesSurviveSigtermAndSigkill) {
  std::string pin = relay_->pin();
  {
    auto c = Client();
    ASSERT_TRUE(c);
    CreateMailbox(*c);
    Post(*c, "one");
    Post(*c, "two");
  }
  EXPECT_EQ(relay_->Signal(SIGTERM), 0);
  StartRelay();
  EXPECT_EQ(relay_->pin(), pin);  // same certificate after a restart
  {
    auto c = Client();
    ASSERT_TRUE(c);
    Json list = List(*c);
    ASSERT_EQ(list["messages"].size(), 2u);
    EXPECT_EQ(AsString(FromB64u(list["messages"][1]["envelope"].get<std::string>())), "two");
    Post(*c, "three");  // acknowledged (201) before the kill
  }
  relay_->Signal(SIGKILL);
  StartRelay();
  auto c = Client();
  ASSERT_TRUE(c);
  EXPECT_EQ(List(*c)["messages"].size(), 3u);
}

TEST_F(RelayE2eTest, HalfARequestGets408ThenTheConnectionCloses) {
  relay_.reset();
  StartRelay({"--request-timeout", "0.3"});
  auto c = Client();
  ASSERT_TRUE(c);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c->WriteRaw("POST /v1/mailboxes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le").ok());
  auto r = c->ReadResponse(std::chrono::seconds(3));
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(r->content_type, "application/json");
  auto j = Json::parse(r->body);
  EXPECT_EQ(j["error"], "timeout");
  EXPECT_TRUE(j["message"].is_string());
  EXPECT_TRUE(c->WaitClosed().ok());
  EXPECT_EQ(Metric("bc_requests_rejected_total{reason=\"timeout\"}"), 1);

  // Headers complete, body short: also 408.
  auto c2 = Client();
  ASSERT_TRUE(c2);
  ASSERT_TRUE(c2->WriteRaw("POST /v1/mailboxes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Content-Length: 100\r\n\r\n{\"auth_key\"")
                  .ok());
  auto r2 = c2->ReadResponse(std::chrono::seconds(3));
  ASSERT_TRUE(r2.ok()) << r2.error();
  EXPECT_EQ(r2->status, 408);
  EXPECT_TRUE(c2->WaitClosed().ok());
  EXPECT_EQ(Metric("bc_requests_rejected_total{reason=\"timeout\"}"), 2);
}

TEST_F(RelayE2eTest, IdleConnectionIsClosedWithoutAResponse) {
  relay_.reset();
  StartRelay({"--request-timeout", "0.3"});
  auto c = Client();
  ASSERT_TRUE(c);
  EXPECT_EQ(Call(*c, "GET", "/healthz").status, 200);  // then idle (keep-alive)
  EXPECT_TRUE(c->WaitClosed(std::chrono::seconds(3)).ok());
  auto fresh = Client();  // never sends anything
  ASSERT_TRUE(fresh);
  EXPECT_TRUE(fresh->WaitClosed(std::chrono::seconds(3)).ok());
  EXPECT_EQ(Metric("bc_requests_rejected_total{reason=\"timeout\"}"), -1);  // not a rejection
}

TEST_F(RelayE2eTest, ConnectionOverTheLimitGets503UntilOneCloses) {
  relay_.reset();
  StartRelay({"--max-connections", "2"});
  auto c1 = Client();
  auto c2 = Client();
  ASSERT_TRUE(c1 && c2);
  EXPECT_EQ(Call(*c1, "GET", "/healthz").status, 200);
  EXPECT_EQ(Call(*c2, "GET", "/healthz").status, 200);
  auto c3 = Client();  // the handshake completes, the request is refused
  ASSERT_TRUE(c3);
  auto r = c3->Request("GET", "/healthz");
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->content_type, "application/json");
  EXPECT_EQ(Json::parse(r->body)["error"], "too_many_connections");
  EXPECT_TRUE(c3->WaitClosed().ok());
  c3.reset();
  EXPECT_EQ(Call(*c2, "GET", "/healthz").status, 200);  // the two keep working

  c1.reset();
  // The relay notices the close asynchronously; then a new one is served.
  EXPECT_EQ(HealthWhenServed(), 200);
  c2.reset();
  double refused = -1;
  for (int i = 0; i < 100 && refused < 0; ++i) {  // c2's close too, so /metrics fits
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto c = Client();
    if (!c) continue;
    auto m = c->Request("GET", "/metrics", "", MetricsAuth());
    if (!m.ok() || m->status != 200) continue;
    const std::string name = "\nbc_requests_rejected_total{reason=\"too_many_connections\"} ";
    const auto at = m->body.find(name);
    if (at != std::string::npos) refused = std::stod(m->body.substr(at + name.size()));
  }
  EXPECT_GE(refused, 1);
}

TEST_F(RelayE2eTest, SigtermSendsWebSocketsGoingAwayAndExitsZero) {
  auto c = Client();
  ASSERT_TRUE(c);
  CreateMailbox(*c);
  auto w = Client();
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->OpenWebSocket(Path("/ws"), owner_.Sign("GET", Path("/ws"), "", NowMs())).ok());
  ASSERT_TRUE(w->ReadFrame().ok());  // prekeys_low
  int exit_code = -1;
  const auto start = std::chrono::steady_clock::now();
  std::thread stop([&] { exit_code = relay_->Signal(SIGTERM); });
  auto f = w->ReadFrame(std::chrono::seconds(5));
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(w->CloseCode(), 1001);
  stop.join();
  EXPECT_EQ(exit_code, 0);
  // The subscriber answered the close and the idle HTTP connection was
  // closed at once: no need to wait out the grace period.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1500));
}

TEST_F(RelayE2eTest, SigtermLetsAnInFlightPostFinishAndItIsDurable) {
  relay_.reset();
  StartRelay({"--stop-grace", "3"});
  {
    auto c = Client();
    ASSERT_TRUE(c);
    CreateMailbox(*c);
  }
  auto p = Client();
  ASSERT_TRUE(p);
  const std::string body = "in-flight-envelope";
  const std::string head = "POST " + Path("/messages") +
                           " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-BC-Delivery-Token: " + token_ +
                           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  ASSERT_TRUE(p->WriteRaw(head + body.substr(0, 5)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  int exit_code = -1;
  std::thread stop([&] { exit_code = relay_->Signal(SIGTERM); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Stopping: no new connections.
  EXPECT_FALSE(TlsTestClient::Connect(relay_->port(), relay_->pin()).ok());
  ASSERT_TRUE(p->WriteRaw(body.substr(5)).ok());
  auto r = p->ReadResponse(std::chrono::seconds(3));
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->status, 201) << r->body;
  const std::string id = Json::parse(r->body)["id"];
  EXPECT_TRUE(p->WaitClosed().ok());
  stop.join();
  EXPECT_EQ(exit_code, 0);

  StartRelay();
  auto c = Client();
  ASSERT_TRUE(c);
  Json list = List(*c);
  ASSERT_EQ(list["messages"].size(), 1u);
  EXPECT_EQ(list["messages"][0]["id"], id);
  EXPECT_EQ(AsString(FromB64u(list["messages"][0]["envelope"].get<std::string>())), body);
}

}  // namespace
}  // namespace backchannel::relay::testing
